"""Sign-in: exchange a password for tokens, or a refresh token for fresh ones."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from jxc.access import services as access
from jxc.access.model import Session
from jxc.api.deps import AppDep

router = APIRouter(tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class RefreshIn(BaseModel):
    refresh_token: str


class UserOut(BaseModel):
    username: str | None
    display_name: str | None
    roles: list[str]
    lang: str


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: UserOut


def _tokens(session: Session) -> TokensOut:
    p, t = session.principal, session.tokens
    return TokensOut(
        access_token=t.access_token, refresh_token=t.refresh_token, token_type=t.token_type,
        expires_in=t.expires_in,
        user=UserOut(username=p.username, display_name=p.display_name, roles=sorted(str(r) for r in p.roles),
                     lang=p.lang),
    )


@router.post("/auth/login", response_model=TokensOut)
def login(body: LoginIn, request: Request, app: AppDep, response: Response) -> TokensOut:
    """Password sign-in (failed attempts are limited per user name and per address, and audited)."""
    with app.uow() as uow:
        session = access.login(uow, username=body.username, password=body.password,
                               source_ip=request.client.host if request.client else None, secret=app.secret)
    response.headers["Cache-Control"] = "no-store"
    return _tokens(session)


@router.post("/auth/refresh", response_model=TokensOut)
def refresh(body: RefreshIn, app: AppDep, response: Response) -> TokensOut:
    with app.uow().reader() as uow:
        session = access.refresh(uow, body.refresh_token, secret=app.secret)
    response.headers["Cache-Control"] = "no-store"
    return _tokens(session)
