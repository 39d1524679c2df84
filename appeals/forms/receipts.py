"""Refusal receipts: an appellant bringing one, and a publisher registering or retiring the keys that sign them."""

import base64
import binascii
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from appeals.models import KID_MAX, RECEIPT_MAX
from core.forms import ServiceForm, SiteForm

RECEIPT_FILE_MAX_BYTES = 16 * 1024  # a receipt is a few hundred bytes; anything much larger is not one
PUBLIC_KEY_TEXT_MAX = 2000  # a PEM or JWK of an Ed25519 key is about 120 characters
KID = RegexValidator(r"^[A-Za-z0-9._-]+$", "Use letters, digits, dots, hyphens and underscores only.")


class ReceiptForm(SiteForm):
    """A receipt pasted or uploaded: `token` is its text, judged afterwards by appeals.receipts.verify_receipt."""

    receipt = forms.CharField(
        label="Paste the receipt",
        required=False,
        strip=True,
        max_length=RECEIPT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "max_length": f"A refusal receipt is far shorter than {RECEIPT_MAX:,} characters: this is not one."
        },
    )
    receipt_file = forms.FileField(label="Or upload the receipt file", required=False)

    @classmethod
    def refusing(cls, error: ValidationError) -> "ReceiptForm":
        """The empty form again, showing why the receipt of a link was refused."""
        form = cls(data={})
        form.full_clean()
        form.errors.clear()
        form.add_error(None, error)
        return form

    def clean_receipt_file(self) -> str:
        upload = self.cleaned_data["receipt_file"]
        if not upload:
            return ""
        if upload.size > RECEIPT_FILE_MAX_BYTES:
            raise ValidationError("This file is too large to be a refusal receipt, which is a few hundred bytes.")
        try:
            return upload.read().decode("ascii").strip()
        except UnicodeDecodeError as error:
            raise ValidationError("This file is not a refusal receipt: a receipt is plain text.") from error

    def clean(self) -> dict:
        data = super().clean() or {}
        pasted, uploaded = data.get("receipt", ""), data.get("receipt_file", "")
        if not self.errors and not (pasted or uploaded):
            raise ValidationError("Paste a refusal receipt, or upload the file it came in.")
        if pasted and uploaded:
            raise ValidationError("Paste the receipt or upload it, not both.")
        data["token"] = pasted or uploaded
        return data


def parse_public_key(text: str) -> bytes:
    """The 32 raw bytes of an Ed25519 public key given as a JWK (JSON), a PEM public key, or base64url raw bytes."""
    text = text.strip()
    if "PRIVATE KEY" in text or (text.startswith("{") and '"d"' in text):
        raise ValidationError("This is a private key: never share it. Paste the public key only.")
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError as error:
            raise ValidationError("This PEM block is not a readable public key.") from error
        if not isinstance(key, Ed25519PublicKey):
            raise ValidationError("This is not an Ed25519 key: receipts are signed with Ed25519 only.")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if text.startswith("{"):
        try:
            jwk = json.loads(text)
        except ValueError as error:
            raise ValidationError("This JWK is not valid JSON.") from error
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValidationError('This is not an Ed25519 JWK: it needs "kty": "OKP" and "crv": "Ed25519".')
        text = str(jwk.get("x", ""))
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValidationError("This is not an Ed25519 public key in one of the forms listed.") from error
    if len(raw) != 32:
        raise ValidationError("This is not an Ed25519 public key: one is 32 bytes, 43 characters in base64url.")
    return raw


class SystemKeyForm(ServiceForm):
    kid = forms.CharField(
        label="Key id (kid)",
        max_length=KID_MAX,
        validators=[KID],
        help_text="The id your system puts in each receipt's kid header, such as 2026-12.",
    )
    public_key = forms.CharField(
        label="Public key",
        max_length=PUBLIC_KEY_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text='An Ed25519 public key as a JWK ({"kty": "OKP", "crv": "Ed25519", "x": …}), a PEM '
        "block (-----BEGIN PUBLIC KEY-----) or the 32 raw bytes in base64url. Never the private key.",
    )
    valid_from = forms.DateTimeField(
        label="Valid from (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Receipts dated before this are refused.",
    )
    valid_until = forms.DateTimeField(
        label="Valid until (UTC, optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty for a key in use until you retire it.",
    )

    def clean_public_key(self) -> bytes:
        return parse_public_key(self.cleaned_data["public_key"])


class RetireKeyForm(ServiceForm):
    valid_until = forms.DateTimeField(
        label="Retire from (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Receipts dated from then on are refused; earlier ones still verify. If the private key was "
        "stolen, give the time it may have been taken.",
    )
    reason = forms.CharField(label="Why", max_length=200, help_text="Public, on the record: rotated, stolen, …")
