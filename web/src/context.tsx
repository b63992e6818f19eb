/** React state shared by every page: the console language and the signed-in user. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { api } from './api';
import { t as translateKey, toLang, type Lang, type MessageKey, type Params } from './i18n';
import { hasStoredLang, loadLang, saveLang } from './session';
import type { User } from './types';

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, params?: Params) => string;
}

const LangContext = createContext<LangState | null>(null);

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => loadLang());
  const setLang = useCallback((next: Lang) => {
    saveLang(next);
    setLangState(next);
    document.documentElement.lang = next;
  }, []);
  const value = useMemo<LangState>(
    () => ({ lang, setLang, t: (key, params) => translateKey(lang, key, params) }),
    [lang, setLang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useI18n(): LangState {
  const value = useContext(LangContext);
  if (!value) throw new Error('useI18n outside LangProvider');
  return value;
}

interface AuthState {
  user: User | null;
  login: (username: string, password: string) => Promise<User>;
  logout: () => void;
  /** Forget the user without calling the server (the API client found the session gone). */
  forget: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const { setLang } = useI18n();
  const [user, setUser] = useState<User | null>(() => (api.session.accessToken() ? api.session.user() : null));
  const login = useCallback(
    async (username: string, password: string) => {
      const tokens = await api.login(username, password);
      // The user's preferred language applies until they pick one in the console.
      const preferred = toLang(tokens.user.lang);
      if (preferred && !hasStoredLang()) setLang(preferred);
      setUser(tokens.user);
      return tokens.user;
    },
    [setLang],
  );
  const logout = useCallback(() => {
    api.logout();
    setUser(null);
  }, []);
  const forget = useCallback(() => setUser(null), []);
  const value = useMemo(() => ({ user, login, logout, forget }), [user, login, logout, forget]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
