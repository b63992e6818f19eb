"""Settings: one object, ``JXC_`` environment variables, embedded defaults that just work.

Read only when ``Settings()`` is constructed (by bootstrap or the CLI), never at import.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("jxc", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JXC_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    states_file: Path | None = None
    lang: str = "zh-CN"
    # Signs access tokens. Unset: a random key is created once in data_dir/secret.key (0600);
    # servers sharing one database across machines must set the same JXC_SECRET_KEY everywhere.
    secret_key: str | None = None
    policy_file: Path | None = None
    console_dir: Path | None = None  # the built web console; default web/dist of a source checkout

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if not path.exists():
            import secrets

            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        return path.read_text(encoding="utf-8").strip()

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'jxc.sqlite'}"
