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

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'jxc.sqlite'}"
