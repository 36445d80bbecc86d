"""Twin of ``simulation.kernels.demand``: sector demand, carbon price, rural access."""

from __future__ import annotations

import math

SHOCK_RURAL = 3  # shock kind code for "all rural sectors"; 0..2 are SectorKind codes


def shock_hits(kind: int, rural_only: int, sector_kind: int, sector_rural: int, urban: int) -> bool:
    """Whether a shock of ``kind`` applies to a sector (of ``sector_kind``, rural or not)
    in a region (urban or not)."""
    hit = sector_rural == 1 if kind == SHOCK_RURAL else kind == sector_kind
    return hit and not (rural_only == 1 and urban == 1)


def cell_log_demand(month, trend, sector_kind, sector_rural, urban, shocks) -> float:
    """Log demand index of one (sector, region) cell: the sector's trend plus each shock
    that hits it, phased in linearly over its duration. ``shocks`` holds tuples
    (kind, start, duration, change, rural_only)."""
    v = trend * month / 12.0
    for kind, start, duration, change, rural_only in shocks:
        if not shock_hits(kind, rural_only, sector_kind, sector_rural, urban):
            continue
        frac = (month - start) / duration
        frac = min(max(frac, 0.0), 1.0)
        v += frac * change
    return v


def sector_log_demand(
    month,
    trend,
    sector_kind,
    sector_rural,
    region_urban,
    shock_kind,
    shock_start,
    shock_duration,
    shock_change,
    shock_rural_only,
    out,
):
    shocks = [
        (
            int(shock_kind[j]),
            float(shock_start[j]),
            float(shock_duration[j]),
            float(shock_change[j]),
            int(shock_rural_only[j]),
        )
        for j in range(shock_kind.shape[0])
    ]
    n_sectors, n_regions = out.shape
    for s in range(n_sectors):
        for r in range(n_regions):
            out[s, r] = cell_log_demand(
                month,
                float(trend[s]),
                int(sector_kind[s]),
                int(sector_rural[s]),
                int(region_urban[r]),
                shocks,
            )


def carbon_price(month, price0, growth_per_year, growth_months, jump_month, jump):
    p = price0 * math.exp(growth_per_year * min(month, growth_months) / 12.0)
    if jump_month >= 0 and month >= jump_month:
        p += jump
    return p


def effective_travel(month, base, region_urban, access_gain, access_months, out):
    """A trip to or from a rural region gets cheaper as the access gain phases in."""
    frac = min(month / access_months, 1.0)
    cut = access_gain * frac
    n = base.shape[0]
    for i in range(n):
        for j in range(n):
            c = float(base[i, j])
            if region_urban[i] == 0 or region_urban[j] == 0:
                c = c * (1.0 - cut)
            out[i, j] = c
