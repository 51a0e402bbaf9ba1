"""Password hashing (argon2id) and the password policy."""

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from zxcvbn import zxcvbn

from backend.errors import Unprocessable

# OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHash((Argon2Hasher(memory_cost=19 * 1024, time_cost=2, parallelism=1),))
MIN_LENGTH = 8
MAX_LENGTH = 128
# a hash to verify against when the username is unknown, so both paths cost the same time
_DUMMY_HASH = _hasher.hash("anxun-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


def check_password_policy(password: str, *, username: str = "") -> None:
    """Raise 422 ``weak_password`` unless the password is long enough and not a common one.

    zxcvbn knows the common-password lists (and keyboard walks, dates, repeats); a score of 2
    ("somewhat guessable", ~10^6+ guesses) is the floor."""
    if len(password) < MIN_LENGTH:
        raise Unprocessable(f"密码至少 {MIN_LENGTH} 位", code="weak_password",
                            details={"reason": "too_short", "min_length": MIN_LENGTH})
    if len(password) > MAX_LENGTH:
        raise Unprocessable(f"密码最多 {MAX_LENGTH} 位", code="weak_password",
                            details={"reason": "too_long", "max_length": MAX_LENGTH})
    result = zxcvbn(password, user_inputs=[username, "anxun", "安巡"] if username else ["anxun"])
    if result["score"] < 2:
        raise Unprocessable("密码过于常见或容易猜测，请换一个更复杂的密码", code="weak_password",
                            details={"reason": "too_common", "score": result["score"]})
