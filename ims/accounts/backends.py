"""Authentication backend that refuses locked-out accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class LockoutAwareBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_locked", False)

    def get_user(self, user_id: Any) -> Any:
        """A signed-in session survives a lock-out: otherwise anyone could sign a user out
        by typing wrong passwords for their name. Only deactivation ends it."""
        user = self._user_by_id(user_id)
        return user if user is not None and ModelBackend.user_can_authenticate(self, user) else None

    @staticmethod
    def _user_by_id(user_id: Any) -> Any:
        from ims.accounts.models import User

        return User._default_manager.filter(pk=user_id).first()
