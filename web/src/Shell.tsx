/** The signed-in frame: side menu, header (language, user, log out) and the page. */
import { AppstoreOutlined, BarChartOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Space, Typography, theme } from 'antd';
import { useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { LangSwitch } from './components/LangSwitch';
import { useAuth, useI18n } from './context';

const MENU = [
  { key: '/stock', icon: <BarChartOutlined />, label: 'menu.stock' },
  { key: '/items', icon: <AppstoreOutlined />, label: 'menu.items' },
] as const;

export function Shell() {
  const { t } = useI18n();
  const { user, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const { token } = theme.useToken();
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
            label: <Link to={entry.key} data-testid={`menu-${entry.key.slice(1)}`}>{t(entry.label)}</Link>,
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
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
