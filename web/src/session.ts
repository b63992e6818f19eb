/**
 * The signed-in session (tokens and user) and the chosen language, kept in a key-value store.
 *
 * The store is `localStorage` in the browser and an in-memory map elsewhere (tests, SSR), so
 * importing this module never touches the browser.
 */
import { DEFAULT_LANG, LANG_STORAGE_KEY, toLang, type Lang } from './i18n';
import type { TokenResponse, User } from './types';

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function memoryStore(): KeyValueStore {
  const data = new Map<string, string>();
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

let fallback: KeyValueStore | null = null;

/** `localStorage` when the browser offers it, else one shared in-memory store. */
export function browserStore(): KeyValueStore {
  try {
    if (typeof globalThis.localStorage !== 'undefined' && globalThis.localStorage) return globalThis.localStorage;
  } catch {
    // Storage can be disabled (privacy mode); fall through to memory.
  }
  fallback ??= memoryStore();
  return fallback;
}

const ACCESS = 'jxc.access_token';
const REFRESH = 'jxc.refresh_token';
const USER = 'jxc.user';

export interface Session {
  accessToken(): string | null;
  refreshToken(): string | null;
  user(): User | null;
  save(tokens: TokenResponse): void;
  clear(): void;
}

export function createSession(store: KeyValueStore): Session {
  return {
    accessToken: () => store.getItem(ACCESS),
    refreshToken: () => store.getItem(REFRESH),
    user: () => {
      const raw = store.getItem(USER);
      if (!raw) return null;
      try {
        return JSON.parse(raw) as User;
      } catch {
        return null;
      }
    },
    save: (tokens) => {
      store.setItem(ACCESS, tokens.access_token);
      store.setItem(REFRESH, tokens.refresh_token);
      store.setItem(USER, JSON.stringify(tokens.user));
    },
    clear: () => {
      for (const key of [ACCESS, REFRESH, USER]) store.removeItem(key);
    },
  };
}

/** The stored language, or the default (简体中文) when none was chosen. */
export function loadLang(store: KeyValueStore = browserStore()): Lang {
  return toLang(store.getItem(LANG_STORAGE_KEY)) ?? DEFAULT_LANG;
}

export function hasStoredLang(store: KeyValueStore = browserStore()): boolean {
  return toLang(store.getItem(LANG_STORAGE_KEY)) !== null;
}

export function saveLang(lang: Lang, store: KeyValueStore = browserStore()): void {
  store.setItem(LANG_STORAGE_KEY, lang);
}
