"""The demo network: organisations, sites, bins, a building project, suppliers and customers.

鲜达集团 (Xianda Group) runs an East China and a South China subsidiary, a franchised store in
Hangzhou, a Tmall flagship store and a Douyin shop; a third-party logistics company operates
the Guangzhou warehouse. Codes are fixed (optionally behind a prefix, so tests can build several
networks in one database); registration skips whatever already exists, so a re-run reuses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from jxc.bootstrap import App
from jxc.catalog import services as catalog
from jxc.kernel.errors import NotFound
from jxc.org import services as org
from jxc.org.model import BinSpec

ANCHOR_ATTRIBUTE = "demo_anchor"  # on the head office: the "now" the demo history ends at


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name_zh: str
    name_en: str
    relation: str
    parent: str | None = None


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name_zh: str
    name_en: str
    kind: str  # warehouse | store | channel
    organisation: str
    region: str
    latitude: float
    longitude: float
    channel: str | None = None
    supplied_by: str | None = None  # the warehouse that replenishes this store or channel


@dataclass(frozen=True)
class PartnerSpec:
    code: str
    name: str
    region: str
    role: str  # suppliers: the industry they supply; customers: "hospital" | "contractor"


@dataclass(frozen=True)
class Network:
    prefix: str
    organisations: tuple[OrganisationSpec, ...]
    sites: tuple[SiteSpec, ...]
    bins: Mapping[str, tuple[BinSpec, ...]]
    project_code: str
    project_name: str
    project_organisation: str
    project_site: str
    suppliers: tuple[PartnerSpec, ...]
    customers: tuple[PartnerSpec, ...]
    head_office: str  # keeps the anchor time (see ensure_network)

    def site(self, code: str) -> SiteSpec:
        return next(site for site in self.sites if site.code == code)

    def of_kind(self, kind: str) -> list[SiteSpec]:
        return [site for site in self.sites if site.kind == kind]

    @property
    def warehouses(self) -> list[SiteSpec]:
        return self.of_kind("warehouse")

    @property
    def selling_sites(self) -> list[SiteSpec]:
        """Stores and channels: everything a warehouse replenishes."""
        return [site for site in self.sites if site.supplied_by is not None]

    def customers_for(self, region: str, role: str) -> list[str]:
        return [c.code for c in self.customers if c.region == region and c.role == role]

    def supplier_for(self, region: str, industry: str) -> str:
        return next(s.code for s in self.suppliers if s.region == region and s.role == industry)


_ORGANISATIONS = (
    OrganisationSpec("XD-HQ", "鲜达集团总部", "Xianda Group Head Office", "direct"),
    OrganisationSpec("XD-EC", "鲜达华东有限公司", "Xianda East China Co., Ltd.", "direct", parent="XD-HQ"),
    OrganisationSpec("XD-SC", "鲜达华南有限公司", "Xianda South China Co., Ltd.", "direct", parent="XD-HQ"),
    OrganisationSpec("FR-HZ-XH", "杭州西湖加盟店", "Hangzhou West Lake Franchisee", "franchise", parent="XD-EC"),
    OrganisationSpec("LOG-YJ", "粤捷第三方物流有限公司", "Yuejie 3PL Logistics Co., Ltd.", "third_party"),
)

# Channel stock sits in the e-commerce zone of the warehouse that fulfils it, hence its coordinates.
_SITES = (
    SiteSpec("WH-SH", "上海嘉定中心仓", "Shanghai Jiading DC", "warehouse", "XD-EC", "华东", 31.374700, 121.265500),
    SiteSpec("WH-GZ", "广州白云中心仓(第三方)", "Guangzhou Baiyun DC (3PL)", "warehouse", "LOG-YJ", "华南",
             23.157700, 113.273000),
    SiteSpec("ST-SH-01", "上海静安寺店", "Shanghai Jing'an Temple Store", "store", "XD-EC", "华东",
             31.223700, 121.445600, supplied_by="WH-SH"),
    SiteSpec("ST-SH-02", "上海陆家嘴店", "Shanghai Lujiazui Store", "store", "XD-EC", "华东", 31.237600, 121.501800,
             supplied_by="WH-SH"),
    SiteSpec("ST-HZ-01", "杭州西湖加盟店", "Hangzhou West Lake Franchise Store", "store", "FR-HZ-XH", "华东",
             30.259200, 120.163800, supplied_by="WH-SH"),
    SiteSpec("ST-SZ-01", "深圳南山科技园店", "Shenzhen Nanshan Science Park Store", "store", "XD-SC", "华南",
             22.540500, 113.953300, supplied_by="WH-GZ"),
    SiteSpec("CH-TMALL", "鲜达天猫旗舰店", "Xianda Tmall Flagship Store", "channel", "XD-HQ", "华东",
             31.374700, 121.265500, channel="tmall", supplied_by="WH-SH"),
    SiteSpec("CH-DOUYIN", "鲜达抖音小店", "Xianda Douyin Shop", "channel", "XD-HQ", "华南", 23.157700, 113.273000,
             channel="douyin", supplied_by="WH-GZ"),
)

# Warehouse zones: A ambient racking, C cold room (2–8 °C), M medical (GSP) area. (aisles, bays)
_ZONES = {"WH-SH": {"A": (3, 4), "C": (2, 4), "M": (1, 4)}, "WH-GZ": {"A": (2, 4), "C": (1, 4), "M": (1, 4)}}

_SUPPLIERS = (
    PartnerSpec("SUP-FRESH-EC", "嘉兴鲜丰农产品合作社", "华东", "fresh"),
    PartnerSpec("SUP-FRESH-SC", "岭南鲜品供应链有限公司", "华南", "fresh"),
    PartnerSpec("SUP-MED-EC", "国康医药物流(上海)有限公司", "华东", "medical"),
    PartnerSpec("SUP-MED-SC", "粤卫医疗器械配送有限公司", "华南", "medical"),
    PartnerSpec("SUP-HW-EC", "永康匠锋五金工具厂", "华东", "hardware"),
    PartnerSpec("SUP-HW-SC", "佛山永固建材贸易有限公司", "华南", "hardware"),
)
_CUSTOMERS = (
    PartnerSpec("CUS-HOSP-01", "浦江社区卫生服务中心", "华东", "hospital"),
    PartnerSpec("CUS-HOSP-02", "嘉定区第二人民医院", "华东", "hospital"),
    PartnerSpec("CUS-HOSP-03", "白云区岭南康复医院", "华南", "hospital"),
    PartnerSpec("CUS-CON-01", "沪嘉装饰工程有限公司", "华东", "contractor"),
    PartnerSpec("CUS-CON-02", "华南建工集团前海项目部", "华南", "contractor"),
)


def _bins(site: str) -> tuple[BinSpec, ...]:
    """Bins A01-01 … with x along the aisles (3.5 m apart), y along the bays (1.4 m), z by rack level."""
    specs = []
    for zone_index, (zone, (aisles, bays)) in enumerate(_ZONES[site].items()):
        for aisle in range(1, aisles + 1):
            for bay in range(1, bays + 1):
                specs.append(BinSpec(
                    code=f"{zone}{aisle:02d}-{bay:02d}", x=f"{(zone_index * 4 + aisle) * 3.5:.1f}",
                    y=f"{bay * 1.4:.1f}", z=f"{((bay - 1) % 3) * 1.5:.1f}", zone=zone,
                ))
    return tuple(specs)


def demo_network(prefix: str = "") -> Network:
    """The demo network with every code behind ``prefix``."""

    def p(code: str | None) -> str | None:
        return None if code is None else f"{prefix}{code}"

    return Network(
        prefix=prefix,
        organisations=tuple(replace(o, code=f"{prefix}{o.code}", parent=p(o.parent)) for o in _ORGANISATIONS),
        sites=tuple(
            replace(s, code=f"{prefix}{s.code}", organisation=f"{prefix}{s.organisation}", supplied_by=p(s.supplied_by))
            for s in _SITES
        ),
        bins={f"{prefix}{site}": _bins(site) for site in _ZONES},
        project_code=f"{prefix}PRJ-2026-017",
        project_name="前海国际金融中心二期 Qianhai IFC Phase II",
        project_organisation=f"{prefix}XD-SC",
        project_site=f"{prefix}WH-GZ",
        suppliers=tuple(replace(s, code=f"{prefix}{s.code}") for s in _SUPPLIERS),
        customers=tuple(replace(c, code=f"{prefix}{c.code}") for c in _CUSTOMERS),
        head_office=f"{prefix}XD-HQ",
    )


def home_bin(network: Network, warehouse: str, *, zone: str, slot: int) -> str:
    """The bin an item lives in at a warehouse: its zone, spread over the zone's bins by ``slot``."""
    in_zone = [b.code for b in network.bins[warehouse] if b.zone == zone]
    return in_zone[slot % len(in_zone)]


def ensure_network(app: App, network: Network, *, now: datetime) -> datetime:
    """Register whatever part of the network is missing; return the demo's anchor time.

    The anchor is stored on the head office when it is first created and read back on a
    re-run, so the same seed produces the same timestamps — and so replays, not duplicates.
    """
    anchor = now
    with app.uow() as uow:
        existing = {o.code: o for o in org.list_organisations(uow)}
    for spec in network.organisations:
        found = existing.get(spec.code)
        if found is not None:
            if spec.code == network.head_office and ANCHOR_ATTRIBUTE in found.attributes:
                anchor = datetime.fromisoformat(found.attributes[ANCHOR_ATTRIBUTE])
            continue
        attributes = {ANCHOR_ATTRIBUTE: now.isoformat(), "demo": "jxc demo"} if spec.code == network.head_office else {}
        with app.uow() as uow:
            org.register_organisation(uow, code=spec.code, name_zh=spec.name_zh, name_en=spec.name_en,
                                      relation=spec.relation, parent_code=spec.parent, attributes=attributes)
    with app.uow() as uow:
        present_sites = set(org.sites_by_code(uow, [s.code for s in network.sites]))
    for site in network.sites:
        if site.code not in present_sites:
            with app.uow() as uow:
                org.register_site(
                    uow, code=site.code, name_zh=site.name_zh, name_en=site.name_en, kind=site.kind,
                    organisation_code=site.organisation, region=site.region, latitude=site.latitude,
                    longitude=site.longitude, channel=site.channel,
                )
    for site_code, specs in network.bins.items():
        with app.uow() as uow:
            present_bins = {b.code for b in org.list_bins(uow, site_code=site_code)}
            missing = [spec for spec in specs if spec.code not in present_bins]
            if missing:
                org.add_bins(uow, site_code, missing)
    with app.uow() as uow:
        try:
            org.get_project(uow, network.project_code)
        except NotFound:
            org.register_project(uow, code=network.project_code, name=network.project_name,
                                 organisation_code=network.project_organisation, site_code=network.project_site)
    _ensure_partners(app, network)
    return anchor


def _ensure_partners(app: App, network: Network) -> None:
    for partner in network.suppliers:
        with app.uow() as uow:
            try:
                catalog.get_supplier(uow, partner.code)
            except NotFound:
                catalog.register_supplier(uow, code=partner.code, name=partner.name, region=partner.region,
                                          attributes={"supplies": partner.role})
    for partner in network.customers:
        with app.uow() as uow:
            try:
                catalog.get_customer(uow, partner.code)
            except NotFound:
                catalog.register_customer(uow, code=partner.code, name=partner.name, region=partner.region,
                                          attributes={"segment": partner.role})
