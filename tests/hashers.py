from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # same algorithm name: hashes stay argon2 and verifiable
    time_cost = 1
    memory_cost = 256
    parallelism = 1
