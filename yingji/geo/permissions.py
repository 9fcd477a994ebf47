from yingji.core.permissions import restricts

from .models import Region, RegionBoundary


@restricts(Region)
def restrict_regions(qs, scope, action):
    # Reference data: every signed-in user reads it; only administrators change it.
    return qs if action in ("view", "export") else qs.none()


@restricts(RegionBoundary)
def restrict_boundaries(qs, scope, action):
    return qs if action in ("view", "export") else qs.none()
