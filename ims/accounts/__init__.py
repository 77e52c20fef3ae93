"""People: users, roles and site memberships, sign-in with lock-out, API tokens."""
