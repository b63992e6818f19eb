"""GS1 barcode adapter: validates GTINs with ``biip`` and translates its errors at the boundary.

Invariant: every barcode jxc stores went through :func:`normalise`, so it is a GTIN with a
correct check digit, written at the natural length of its format (GTIN-8, -12, -13 or -14)
with any zero padding removed. biip's ``Gtin.value`` is the raw input, so the GTIN-14 form
scanned from a GS1-128 label ("06901234567892") and the EAN-13 on the pack
("6901234567892") would otherwise be stored as two different barcodes of one product.
"""

from __future__ import annotations

from collections.abc import Iterable

from biip import ParseError
from biip.gtin import Gtin, GtinFormat

from jxc.kernel.errors import InvalidInput


def normalise(barcode: str) -> str:
    """The canonical GTIN text for ``barcode``, or ``InvalidInput("barcode.invalid")``."""
    raw = barcode.strip() if isinstance(barcode, str) else ""
    if not raw:
        raise InvalidInput("barcode.invalid", field="barcode", value=str(barcode), reason="empty")
    try:
        gtin = Gtin.parse(raw)
    except ParseError as exc:
        raise InvalidInput("barcode.invalid", field="barcode", value=raw, reason=str(exc)) from exc
    if gtin.format is GtinFormat.GTIN_8:
        return gtin.as_gtin_8()
    if gtin.format is GtinFormat.GTIN_12:
        return gtin.as_gtin_12()
    if gtin.format is GtinFormat.GTIN_13:
        return gtin.as_gtin_13()
    return gtin.as_gtin_14()


def normalise_all(barcodes: Iterable[str]) -> tuple[str, ...]:
    """Each barcode normalised, in order, repeats dropped."""
    return tuple(dict.fromkeys(normalise(barcode) for barcode in barcodes))
