"""What ``jxc demo`` built, and what to try next with it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    sites: int
    items: int
    lots: int
    movements: int  # movements the demo history consists of (new or already there)
    postings: int
    new_movements: int  # written by this run; 0 when a re-run replayed everything
    replayed_postings: int
    reservations: int
    stockouts: int  # sale lines the simulation could not fill in full
    elapsed_seconds: float
    seed: int
    history_from: date
    history_to: date
    lemon_tea_sku: str
    vaccine_sku: str
    hardware_sku: str
    store_code: str
    warehouse_code: str
    project_code: str
    promotions: tuple[str, ...] = ()
    movements_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def example_skus(self) -> dict[str, str]:
        return {"lemon_tea": self.lemon_tea_sku, "flu_vaccine": self.vaccine_sku, "hardware": self.hardware_sku}

    def next_steps(self) -> list[tuple[str, str]]:
        """(command, why) pairs that show off the demo data."""
        return [
            (f"jxc atp {self.lemon_tea_sku} --by site", "lemon tea (double peak) across stores and warehouses"),
            (f"jxc atp {self.vaccine_sku} --by region --json", "flu vaccine by region, incl. the shipment in transit"),
            (f"jxc stock balance --sku {self.lemon_tea_sku}", "lots and expiry dates per site"),
            (f"jxc stock reserve {self.lemon_tea_sku} 2 --site {self.store_code}", "promise stock to an order"),
            (f"jxc atp {self.hardware_sku} --by org", "hardware stock by legal entity"),
            (f"jxc stock balance --site {self.warehouse_code} --state damaged", "expired lots waiting to be scrapped"),
            ("jxc stock verify", "every balance equals the sum of its movements"),
            (f"jxc item show {self.lemon_tea_sku}", "units, GTIN-13 barcode, storage 2–8 °C, ABC class"),
            ("jxc site list", "warehouses, stores, channels with coordinates and regions"),
        ]

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["elapsed_seconds"] = round(self.elapsed_seconds, 2)
        data["example_skus"] = self.example_skus
        data["next_steps"] = [command for command, _ in self.next_steps()]
        return data

    def print(self, console: Console) -> None:
        counts = Table(title="jxc demo", show_header=False, title_justify="left")
        counts.add_column(style="bold")
        counts.add_column(justify="right")
        for label, value in (
            ("organisations", self.organisations), ("sites", self.sites), ("items", self.items),
            ("lots", self.lots), ("postings", self.postings), ("movements", self.movements),
            ("  new this run", self.new_movements), ("open reservations", self.reservations),
            ("stock-outs (lines short)", self.stockouts),
        ):
            counts.add_row(label, f"{value:,}")
        counts.add_row("history", f"{self.history_from} → {self.history_to} (seed {self.seed})")
        if self.promotions:
            counts.add_row("promotions", " · ".join(self.promotions))
        counts.add_row("elapsed", f"{self.elapsed_seconds:.1f} s")
        console.print(counts)
        console.print("[bold]What to try next[/] [dim](after `source .venv/bin/activate`, or prefix .venv/bin/)[/]")
        for command, why in self.next_steps():
            console.print(f"  [cyan]{command}[/]  [dim]# {why}[/]", highlight=False)
