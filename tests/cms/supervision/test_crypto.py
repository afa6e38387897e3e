"""The envelope (cms/supervision/crypto.py): what opens with what, and what does not."""

import pytest

from cms.supervision import crypto

COST = crypto.KDF_COSTS["min"]


@pytest.fixture(scope="module")
def keypair():
    return crypto.create_keypair("正确的监督组口令 correct", COST)


def test_sealed_data_opens_only_with_the_unlocked_private_key(keypair):
    private_key = crypto.unlock(keypair, "正确的监督组口令 correct")
    sealed = crypto.seal(keypair.public_key, "举报内容 MARKER".encode())
    assert b"MARKER" not in sealed
    assert crypto.open_sealed(private_key, sealed) == "举报内容 MARKER".encode()
    other = crypto.unlock(crypto.create_keypair("another passphrase!", COST), "another passphrase!")
    with pytest.raises(crypto.EnvelopeError):
        crypto.open_sealed(other, sealed)


def test_each_seal_differs_so_equal_reports_cannot_be_matched(keypair):
    assert crypto.seal(keypair.public_key, b"same") != crypto.seal(keypair.public_key, b"same")


def test_a_wrong_passphrase_does_not_unlock(keypair):
    with pytest.raises(crypto.EnvelopeError, match="口令不正确"):
        crypto.unlock(keypair, "正确的监督组口令 wrong!")


def test_the_stored_private_key_is_not_the_key_itself(keypair):
    private_key = crypto.unlock(keypair, "正确的监督组口令 correct")
    assert bytes(private_key) not in keypair.locked_private_key


def test_short_passphrases_are_refused():
    with pytest.raises(crypto.EnvelopeError, match="至少12个字符"):
        crypto.create_keypair("short", COST)


def test_json_round_trip(keypair):
    private_key = crypto.unlock(keypair, "正确的监督组口令 correct")
    value = {"text": "<script>x</script>", "subject": "示例公司"}
    assert crypto.open_json(private_key, crypto.seal_json(keypair.public_key, value)) == value


def test_receipts_are_random_and_parse_as_typed():
    receipts = {crypto.new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    receipt = next(iter(receipts))
    assert len(receipt.code) == 32 + 7 and receipt.code.count("-") == 7
    typed = receipt.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert crypto.parse_receipt(typed) == receipt


@pytest.mark.parametrize("text", ["", "ABC", "U" * 32, "0" * 33, "<script>"])
def test_malformed_receipts_are_refused(text):
    with pytest.raises(crypto.EnvelopeError, match="回执码格式不正确"):
        crypto.parse_receipt(text)


@pytest.mark.parametrize("cost", [crypto.UNSTRETCHED, COST], ids=["unstretched", "argon2id"])
def test_receipt_keys_verify_and_the_verifier_is_not_the_reply_key(cost):
    receipt, salt = crypto.new_receipt(), crypto.new_salt()
    keys = crypto.derive_receipt_keys(receipt, salt, cost)
    assert keys.verifier != keys.reply_key
    assert len(keys.verifier) == len(keys.reply_key) == crypto.KEY_BYTES
    assert receipt.secret.encode() not in keys.verifier + keys.reply_key
    again = crypto.derive_receipt_keys(crypto.parse_receipt(receipt.code), salt, cost)
    assert crypto.receipt_matches(keys.verifier, again)
    assert again.reply_key == keys.reply_key
    # One character off, another salt, the other scheme: nothing matches.
    last = crypto.ALPHABET[(crypto.ALPHABET.index(receipt.secret[-1]) + 1) % 32]
    guessed = crypto.Receipt(receipt.lookup_id, receipt.secret[:-1] + last)
    assert not crypto.receipt_matches(
        keys.verifier, crypto.derive_receipt_keys(guessed, salt, cost)
    )
    other_salt = crypto.derive_receipt_keys(receipt, crypto.new_salt(), cost)
    assert not crypto.receipt_matches(keys.verifier, other_salt)
    other = COST if cost == crypto.UNSTRETCHED else crypto.UNSTRETCHED
    assert not crypto.receipt_matches(
        keys.verifier, crypto.derive_receipt_keys(receipt, salt, other)
    )


def test_a_passphrase_is_never_unstretched():
    with pytest.raises(ValueError):
        crypto.create_keypair("正确的监督组口令 correct", crypto.UNSTRETCHED)


def test_replies_open_only_with_the_reply_key():
    receipt, salt = crypto.new_receipt(), crypto.new_salt()
    reply_key = crypto.derive_receipt_keys(receipt, salt, COST).reply_key
    boxed = crypto.box_for_complainant(reply_key, "请补充合同编号")
    assert crypto.open_for_complainant(reply_key, boxed) == "请补充合同编号"
    with pytest.raises(crypto.EnvelopeError):
        crypto.open_for_complainant(crypto.new_wrapping_key(), boxed)


def test_a_wrapped_key_needs_the_browser_half(keypair):
    private_key = crypto.unlock(keypair, "正确的监督组口令 correct")
    wrapping_key = crypto.new_wrapping_key()
    wrapped = crypto.wrap_private_key(private_key, wrapping_key)
    assert bytes(private_key) not in wrapped
    assert bytes(crypto.unwrap_private_key(wrapped, wrapping_key)) == bytes(private_key)
    with pytest.raises(crypto.EnvelopeError):
        crypto.unwrap_private_key(wrapped, crypto.new_wrapping_key())
