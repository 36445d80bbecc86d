"""Scenario drivers: sector demand by region, carbon price, rural access."""

import math

from numba import njit

from simulation.kernels import key_caches_on_sources
from simulation.kernels.scalar import greater, lesser

SHOCK_RURAL = 3  # shock kind code for "all rural sectors"; 0..2 are SectorKind codes


@njit(cache=True)
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
    """Log demand index of each sector in each region: trend plus linearly phased shocks."""
    n_sectors, n_regions = out.shape
    for s in range(n_sectors):
        for r in range(n_regions):
            v = trend[s] * month / 12.0
            for j in range(shock_kind.shape[0]):
                if shock_kind[j] == SHOCK_RURAL:
                    hit = sector_rural[s] == 1
                else:
                    hit = shock_kind[j] == sector_kind[s]
                if not hit or (shock_rural_only[j] == 1 and region_urban[r] == 1):
                    continue
                frac = (month - shock_start[j]) / shock_duration[j]
                frac = lesser(greater(frac, 0.0), 1.0)
                v += frac * shock_change[j]
            out[s, r] = v


# The most of a sector's output its carbon cost can take (a cost per unit of output): its
# demand keeps at least 5%, and its firms' exit hazard stops growing there.
CARBON_BURDEN_MOST = 0.95


@njit(cache=True)
def carbon_price(month, price0, growth_per_year, growth_months, jump_month, jump):
    """Carbon price in yuan per tonne: exponential growth for ``growth_months`` months
    from month 0, the level then held, plus an optional one-off jump. (Without an end
    the growth compounded for as long as a run went on: 126,563 yuan/t at year 50 under
    the orderly transition's 15% a year, and every brown and manufacturing firm exiting
    every month; an outside review of long runs.)"""
    p = price0 * math.exp(growth_per_year * lesser(month, growth_months) / 12.0)
    if jump_month >= 0 and month >= jump_month:
        p += jump
    return p


@njit(cache=True)
def effective_travel(month, base, region_urban, access_gain, access_months, out):
    """Travel cost with the rural access gain phased in over ``access_months``."""
    frac = lesser(month / access_months, 1.0)
    cut = access_gain * frac
    n = base.shape[0]
    for i in range(n):
        for j in range(n):
            if region_urban[i] == 0 or region_urban[j] == 0:
                out[i, j] = base[i, j] * (1.0 - cut)
            else:
                out[i, j] = base[i, j]


key_caches_on_sources(globals())  # last: every kernel above
