"""Settings for the test suite: the real settings, with a fixed key and fast hashing."""

import os
import tempfile

os.environ.setdefault("IMS_DEBUG", "true")
os.environ.setdefault("IMS_SECRET_KEY", "test-" + "k" * 40 + "-0123456789abcdef")
os.environ.setdefault("IMS_MEDIA_ROOT", tempfile.mkdtemp(prefix="ims-test-media-"))

from ims.settings import *  # noqa: F403

# Still argon2, with costs low enough for hundreds of test users.
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
