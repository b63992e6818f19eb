/** Providers and routes. Language first (it picks the AntD locale), then messages, auth, router. */
import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
// The ES modules: the CommonJS `antd/locale/*` default-imports as the module object under Vite 8,
// which left every AntD text (date pickers, confirmations) in English.
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { apiHandlers } from './api';
import { AuthProvider, LangProvider, useAuth, useI18n } from './context';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { DocumentPage } from './pages/DocumentPage';
import { DocumentsPage } from './pages/DocumentsPage';
import { ExecutePage } from './pages/ExecutePage';
import { ItemPage } from './pages/ItemPage';
import { ItemsPage } from './pages/ItemsPage';
import { LoginPage } from './pages/LoginPage';
import { PurchaseOrderPage } from './pages/PurchaseOrderPage';
import { SalesOrderPage } from './pages/SalesOrderPage';
import { TransferOrderPage } from './pages/TransferOrderPage';
import { VouchersPage } from './pages/VouchersPage';
import { Shell } from './Shell';

// ECharts is only needed here: load it with the page, not with the login screen.
const StockOverviewPage = lazy(() => import('./pages/StockOverviewPage').then((m) => ({ default: m.StockOverviewPage })));
const ReplenishmentPage = lazy(() => import('./pages/ReplenishmentPage').then((m) => ({ default: m.ReplenishmentPage })));
const BacktestPage = lazy(() => import('./pages/BacktestPage').then((m) => ({ default: m.BacktestPage })));

/** Lets the API client show problems with AntD messages and send an expired session to login. */
function ApiBridge() {
  const { message } = AntApp.useApp();
  const { forget } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    // Keyed by text, so several calls failing the same way show one message.
    apiHandlers.notify = (text) => void message.error({ content: text, key: text });
    apiHandlers.onSessionEnded = () => {
      forget();
      if (location.pathname !== '/login') navigate('/login', { replace: true, state: { from: location.pathname + location.search } });
    };
  }, [message, forget, navigate, location]);
  return null;
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('common.notFound')}
      extra={
        <Link to="/stock">
          <Button type="primary">{t('common.home')}</Button>
        </Link>
      }
    />
  );
}

function Localised() {
  const { lang } = useI18n();
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en'); // month and weekday names in the date pickers
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS}>
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
            <ApiBridge />
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                element={
                  <RequireAuth>
                    <Shell />
                  </RequireAuth>
                }
              >
                <Route index element={<Navigate to="/stock" replace />} />
                <Route
                  path="/stock"
                  element={
                    <Suspense fallback={<Spin />}>
                      <StockOverviewPage />
                    </Suspense>
                  }
                />
                <Route path="/items" element={<ItemsPage />} />
                <Route path="/items/:sku" element={<ItemPage />} />
                <Route path="/documents" element={<DocumentsPage />} />
                <Route path="/documents/new/purchase-order" element={<PurchaseOrderPage />} />
                <Route path="/documents/new/sales-order" element={<SalesOrderPage />} />
                <Route path="/documents/new/transfer-order" element={<TransferOrderPage />} />
                <Route path="/documents/:org/:number" element={<DocumentPage />} />
                <Route path="/documents/:org/:number/:action" element={<ExecutePage />} />
                <Route path="/approvals" element={<ApprovalsPage />} />
                <Route
                  path="/replenishment"
                  element={
                    <Suspense fallback={<Spin />}>
                      <ReplenishmentPage />
                    </Suspense>
                  }
                />
                <Route
                  path="/replenishment/backtest"
                  element={
                    <Suspense fallback={<Spin />}>
                      <BacktestPage />
                    </Suspense>
                  }
                />
                <Route path="/vouchers" element={<VouchersPage />} />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <LangProvider>
      <Localised />
    </LangProvider>
  );
}
