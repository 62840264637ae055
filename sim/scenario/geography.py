"""Distances between lon/lat points on the ground, for choosing the nearest station.

A degree of longitude is shorter than a degree of latitude away from the equator (by cos of
the latitude: 0.73 in Almaty), so comparing raw degrees can pick the wrong station.
"""

from __future__ import annotations

import math

KM_PER_DEGREE = 111.32


def ground_distance(lon_a: float, lat_a: float, lon_b: float, lat_b: float) -> float:
    """Approximate distance in km (equirectangular: exact enough within a city)."""
    x = (lon_a - lon_b) * math.cos(math.radians((lat_a + lat_b) / 2))
    return KM_PER_DEGREE * math.hypot(x, lat_a - lat_b)
