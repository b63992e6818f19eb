/** 简体中文 / English; the choice is kept in localStorage by the language provider. */
import { GlobalOutlined } from '@ant-design/icons';
import { Segmented } from 'antd';
import { useI18n } from '../context';
import { LANGS, type Lang } from '../i18n';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <span data-testid="lang-switch" title={t('header.language')}>
      <GlobalOutlined style={{ marginRight: 8 }} />
      <Segmented<Lang>
        size="small"
        value={lang}
        onChange={setLang}
        options={LANGS.map((value) => ({ value, label: <span data-testid={`lang-${value}`}>{t(`lang.${value}`)}</span> }))}
      />
    </span>
  );
}
