"""The suite's password hasher: Django's PBKDF2-SHA256 with one iteration instead of a million.

Hashing a password costs about a second of CPU (PBKDF2, 1,000,000 iterations); the suite creates and signs in
hundreds of users and tests no hashing. The hashes keep the production algorithm's name and format
(`pbkdf2_sha256$1$salt$hash`), so a server or worker started as a subprocess with the production hashers still
verifies them (and upgrades them to its iteration count on a sign-in, as it would an old hash)."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneIterationPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1
