/** The signed-in frame: side menu, header (language, user, log out) and the page. */
import {
  AccountBookOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  FileTextOutlined,
  LogoutOutlined,
  ShoppingCartOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Badge, Button, Layout, Menu, Space, Typography, theme } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate, useOutletContext } from 'react-router-dom';
import { api } from './api';
import { LangSwitch } from './components/LangSwitch';
import { useAuth, useI18n } from './context';

const MENU = [
  { key: '/stock', icon: <BarChartOutlined />, label: 'menu.stock' },
  { key: '/items', icon: <AppstoreOutlined />, label: 'menu.items' },
  { key: '/documents', icon: <FileTextOutlined />, label: 'menu.documents' },
  { key: '/approvals', icon: <AuditOutlined />, label: 'menu.approvals' },
  { key: '/replenishment', icon: <ShoppingCartOutlined />, label: 'menu.replenishment' },
  { key: '/vouchers', icon: <AccountBookOutlined />, label: 'menu.vouchers' },
] as const;

/** What the frame offers its pages (through the router outlet). */
export interface ShellContext {
  /** Count the approval inbox again (after a decision). */
  refreshInbox: () => void;
}

export function useShell(): ShellContext {
  return useOutletContext<ShellContext>();
}

/** The inbox size for the menu badge: one quiet GET; roles that may not decide get no badge. */
function useInboxCount(username: string | undefined): [number, () => void] {
  const [count, setCount] = useState(0);
  const refresh = useCallback(() => {
    if (!username) return;
    api.approvalInbox().then(
      (inbox) => setCount(inbox.requests.length),
      () => setCount(0),
    );
  }, [username]);
  useEffect(refresh, [refresh]);
  return [count, refresh];
}

export function Shell() {
  const { t } = useI18n();
  const { user, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const { token } = theme.useToken();
  const [inboxCount, refreshInbox] = useInboxCount(user?.username);
  const selected = MENU.find((entry) => location.pathname.startsWith(entry.key))?.key ?? '/stock';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} breakpoint="lg">
        <Link to="/stock" style={{ display: 'block', padding: 16, color: '#fff', fontWeight: 600, whiteSpace: 'nowrap' }}>
          {collapsed ? 'jxc' : t('app.title')}
        </Link>
        <Menu
          theme="dark"
          mode="inline"
          data-testid="side-menu"
          selectedKeys={[selected]}
          items={MENU.map((entry) => ({
            key: entry.key,
            icon: entry.icon,
            label: (
              <Link to={entry.key} data-testid={`menu-${entry.key.slice(1)}`}>
                {t(entry.label)}
              </Link>
            ),
            extra:
              entry.key === '/approvals' && inboxCount > 0 ? (
                <Badge count={inboxCount} size="small" data-testid="inbox-badge" />
              ) : undefined,
          }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{ background: token.colorBgContainer, display: 'flex', justifyContent: 'flex-end', paddingInline: 24 }}
        >
          <Space size="large">
            <LangSwitch />
            <Typography.Text data-testid="user-name">
              <UserOutlined /> {user?.display_name || user?.username}
            </Typography.Text>
            <Button
              icon={<LogoutOutlined />}
              data-testid="logout"
              onClick={() => {
                logout();
                navigate('/login', { replace: true });
              }}
            >
              {t('header.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <Outlet context={{ refreshInbox } satisfies ShellContext} />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
