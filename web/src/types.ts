/** Shapes of the jxc HTTP API v1 (docs/api.md). Quantities and money are decimal strings. */

export interface User {
  username: string;
  display_name: string;
  roles: string[];
  lang: string;
}

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: User;
}

/** Fields a role may not see are "***" (masked) or absent (hidden). */
export interface Item {
  sku: string;
  name_zh?: string;
  name_en?: string;
  category?: string | null;
  base_unit?: string;
  units?: Record<string, string> | string;
  barcodes?: string[] | string;
  tracking?: string;
  shelf_life_days?: number | string | null;
  storage_min_c?: string | number | null;
  storage_max_c?: string | number | null;
  abc_class?: string;
  attributes?: Record<string, unknown> | string;
  standard_cost?: string | null;
}

export interface ItemPage {
  items: Item[];
  next: string | null;
}

export type AtpRollUp = 'site' | 'org' | 'region' | 'network';

export interface AtpGroup {
  key: string;
  by_state: Record<string, string>;
  available: string;
  unreserved_commitments: string;
  scheduled_receipts: string;
  atp: string;
  sites: string[];
}

export interface AtpReport {
  sku: string;
  by: string;
  as_of: string;
  horizon_end: string;
  groups: AtpGroup[];
}

export interface BucketRef {
  site: string;
  state: string;
  lot?: string | null;
  bin?: string | null;
}

export interface Movement {
  id: string;
  posting_id: string;
  occurred_at: string;
  quantity: string;
  from: BucketRef;
  to: BucketRef;
  kind: string;
  document_ref: string | null;
}

export interface MovementPage {
  movements: Movement[];
  next: string | null;
}

export interface OverviewRow {
  key: string;
  /** The site's names (by=site); absent for states or unnamed sites. */
  name_zh?: string | null;
  name_en?: string | null;
  by_state: Record<string, string>;
  total: string;
  /** Number of distinct items held (sent by the server, not in docs/api.md yet). */
  items?: number;
}

export interface StockOverview {
  states: string[];
  rows: OverviewRow[];
}
