"""The envelope that keeps complaints confidential, in plain PyNaCl (no Django).

- Everything a complainant sends is sealed (libsodium sealed box: X25519 + XSalsa20-Poly1305)
  to the supervision group's public key as it arrives. The server keeps the public key
  only; the private key is stored locked under a key derived with argon2id from a
  passphrase the server never stores.
- A receipt code is a public lookup id plus a 120-bit random secret. A keyed BLAKE2b of
  the secret (with the case's own salt) gives 64 bytes: the first half is stored as the
  verifier, the second half is the reply key that encrypts what the group writes back to
  the complainant. The verifier does not reveal the reply key, and neither reveals the
  secret. The secret is not stretched: 2^120 guesses are beyond reach however fast each
  one is (ADR 0040); receipts made earlier with argon2id keep their stored costs.
- While a group member works, the unlocked private key travels only wrapped under a
  random key that lives in the member's browser (see `wrap_private_key`).

See docs/adr/0007-confidential-reports.md.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

argon2id = nacl.pwhash.argon2id
SALT_BYTES = argon2id.SALTBYTES
KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE


class EnvelopeError(ValueError):
    """A passphrase, receipt or ciphertext that does not open."""


@dataclass(frozen=True)
class KdfCost:
    """argon2id work factors; stored beside every salt so that changing the defaults
    never makes an existing key or receipt unreadable."""

    opslimit: int
    memlimit: int


KDF_COSTS = {
    "sensitive": KdfCost(argon2id.OPSLIMIT_SENSITIVE, argon2id.MEMLIMIT_SENSITIVE),
    "moderate": KdfCost(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE),
    "interactive": KdfCost(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE),
    "min": KdfCost(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN),  # tests only
    # No stretching, for secrets of full entropy only (a receipt's 120 random bits):
    # derive_receipt_keys() takes a keyed BLAKE2b. Never for a passphrase.
    "unstretched": KdfCost(0, 0),
}
UNSTRETCHED = KDF_COSTS["unstretched"]


# --- The group's keypair --------------------------------------------------------------------


@dataclass(frozen=True)
class LockedKeypair:
    """What the database holds of the supervision group's keypair."""

    public_key: bytes
    locked_private_key: bytes  # SecretBox under argon2id(passphrase, salt)
    salt: bytes
    cost: KdfCost


MIN_PASSPHRASE_LENGTH = 12


def create_keypair(passphrase: str, cost: KdfCost) -> LockedKeypair:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise EnvelopeError(f"口令至少{MIN_PASSPHRASE_LENGTH}个字符。")
    private_key = PrivateKey.generate()
    salt = nacl.utils.random(SALT_BYTES)
    box = nacl.secret.SecretBox(_passphrase_key(passphrase, salt, cost))
    return LockedKeypair(
        public_key=bytes(private_key.public_key),
        locked_private_key=bytes(box.encrypt(bytes(private_key))),
        salt=salt,
        cost=cost,
    )


def unlock(keypair: LockedKeypair, passphrase: str) -> PrivateKey:
    box = nacl.secret.SecretBox(_passphrase_key(passphrase, keypair.salt, keypair.cost))
    try:
        private_key = PrivateKey(box.decrypt(keypair.locked_private_key))
    except nacl.exceptions.CryptoError:
        raise EnvelopeError("口令不正确。") from None
    if bytes(private_key.public_key) != keypair.public_key:
        raise EnvelopeError("私钥与公钥不匹配。")
    return private_key


def fingerprint(public_key: bytes) -> str:
    """A short, readable name for a public key (to compare keys aloud)."""
    digest = nacl.hash.blake2b(public_key, digest_size=8, encoder=nacl.encoding.HexEncoder)
    text = digest.decode().upper()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _passphrase_key(passphrase: str, salt: bytes, cost: KdfCost) -> bytes:
    if cost == UNSTRETCHED:  # a passphrase is chosen by people: always stretched
        raise ValueError("a passphrase needs argon2id costs")
    return argon2id.kdf(
        KEY_BYTES, passphrase.encode("utf-8"), salt, opslimit=cost.opslimit, memlimit=cost.memlimit
    )


# --- Sealing to the group -------------------------------------------------------------------


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    """Encrypt for the group: anyone can seal, only the private key opens."""
    return bytes(SealedBox(PublicKey(public_key)).encrypt(plaintext))


def open_sealed(private_key: PrivateKey, ciphertext: bytes) -> bytes:
    try:
        return SealedBox(private_key).decrypt(bytes(ciphertext))
    except nacl.exceptions.CryptoError:
        raise EnvelopeError("无法解密：密文已损坏或不是用本监督组的公钥加密的。") from None


def seal_json(public_key: bytes, value) -> bytes:
    return seal(public_key, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def open_json(private_key: PrivateKey, ciphertext: bytes):
    return json.loads(open_sealed(private_key, ciphertext).decode("utf-8"))


# --- Receipt codes --------------------------------------------------------------------------

# Crockford's base32: no I, L, O, U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOOKUP_LENGTH = 8  # 40 bits: finds the case without scanning verifiers; not secret
SECRET_LENGTH = 24  # 120 bits: the part that proves possession
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class Receipt:
    lookup_id: str
    secret: str

    @property
    def code(self) -> str:
        """As shown to the complainant: eight groups of four characters."""
        text = self.lookup_id + self.secret
        return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


@dataclass(frozen=True)
class ReceiptKeys:
    verifier: bytes  # stored
    reply_key: bytes  # never stored in plaintext


def new_receipt() -> Receipt:
    return Receipt(
        lookup_id="".join(secrets.choice(ALPHABET) for _ in range(LOOKUP_LENGTH)),
        secret="".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH)),
    )


def parse_receipt(text: str) -> Receipt:
    """A receipt as typed: any case, spaces or dashes, O for 0 and I or L for 1."""
    cleaned = "".join(char for char in text.upper() if char not in " -\t\r\n").translate(_READ_AS)
    if len(cleaned) != LOOKUP_LENGTH + SECRET_LENGTH or any(c not in ALPHABET for c in cleaned):
        raise EnvelopeError("回执码格式不正确：应为32个字母或数字（可含短横线）。")
    return Receipt(lookup_id=cleaned[:LOOKUP_LENGTH], secret=cleaned[LOOKUP_LENGTH:])


def derive_receipt_keys(receipt: Receipt, salt: bytes, cost: KdfCost) -> ReceiptKeys:
    """The verifier and the reply key of a receipt: BLAKE2b keyed with the case's salt
    (UNSTRETCHED), or argon2id at the costs stored with an older receipt."""
    secret = b"gongshi-receipt:" + receipt.secret.encode("ascii")
    if cost == UNSTRETCHED:
        material = nacl.hash.blake2b(
            secret,
            digest_size=2 * KEY_BYTES,
            key=salt,
            person=b"gongshi-receipt",
            encoder=nacl.encoding.RawEncoder,
        )
    else:
        material = argon2id.kdf(
            2 * KEY_BYTES, secret, salt, opslimit=cost.opslimit, memlimit=cost.memlimit
        )
    return ReceiptKeys(verifier=material[:KEY_BYTES], reply_key=material[KEY_BYTES:])


def receipt_matches(stored_verifier: bytes, keys: ReceiptKeys) -> bool:
    return hmac.compare_digest(bytes(stored_verifier), keys.verifier)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


# --- Replies the complainant reads ----------------------------------------------------------


def box_for_complainant(reply_key: bytes, plaintext: str) -> bytes:
    return bytes(nacl.secret.SecretBox(reply_key).encrypt(plaintext.encode("utf-8")))


def open_for_complainant(reply_key: bytes, ciphertext: bytes) -> str:
    try:
        return nacl.secret.SecretBox(reply_key).decrypt(bytes(ciphertext)).decode("utf-8")
    except nacl.exceptions.CryptoError:
        raise EnvelopeError("无法解密答复。") from None


# --- The unlocked key during a session ------------------------------------------------------


def wrap_private_key(private_key: PrivateKey, wrapping_key: bytes) -> bytes:
    """The private key encrypted under a random key that only the member's browser holds
    (an HttpOnly cookie): the session store alone, or the cookie alone, opens nothing."""
    return bytes(nacl.secret.SecretBox(wrapping_key).encrypt(bytes(private_key)))


def unwrap_private_key(wrapped: bytes, wrapping_key: bytes) -> PrivateKey:
    try:
        return PrivateKey(nacl.secret.SecretBox(wrapping_key).decrypt(wrapped))
    except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError, TypeError):
        raise EnvelopeError("解锁已失效，请重新输入口令。") from None


def new_wrapping_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)
