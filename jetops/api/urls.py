from __future__ import annotations

from rest_framework.routers import SimpleRouter

from jetops.api.activity import ActivityLogViewSet
from jetops.api.users import UserViewSet

router = SimpleRouter(trailing_slash=False)
router.register("users", UserViewSet, basename="user")
router.register("activity", ActivityLogViewSet, basename="activity")
urlpatterns = router.urls
