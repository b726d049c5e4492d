"""The shop's details for statements (店铺信息): JSON values in the ledger's `settings` table.

One profile for every shop (key `shop_profile`), and optionally one per shop (`shop_profile:<shop id>`:
a seller with a 淘宝 and an 抖店 store signs each store's statements with its own name, contact and
seal). A statement takes the profile of its order's shop; a field left empty there comes from the
all-shops profile, and an empty name from the shop's own name as the platform exported it.

They live in the ledger, not in the per-machine QSettings, because they belong to the shop's data:
a backup or a second seat carries them along. The optional seal image is copied into the files home
(`seals/`; see `evidence_files`), named by its content, and stored as a path relative to it, so
moving the data folder keeps it; on a team ledger its bytes are kept in the ledger for every seat.
"""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.errors import StaleData, UserError, system_error_text
from desktop_app.core.op_changes import Written
from desktop_app.core.statement import ShopProfile
from desktop_app.services.evidence_files import files_home, local_file, write_whole
from desktop_app.services.shop_changes import note_change
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import Setting, Shop
from desktop_app.store.setting_rows import locked_setting
from desktop_app.store.shared_files import files_are_shared, keep_file
from desktop_app.store.shop_changes import SHOP_PROFILE, ShopChange, last_shop_change

SETTING_KEY = "shop_profile"
SEAL_FOLDER = "seals"
MAX_SEAL_BYTES = 5 * 1024 * 1024
# The first bytes of the image formats every printer path (Qt and openpyxl) can place on a page.
_IMAGE_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
_TEXT_FIELDS = ("name", "contact", "phone", "address", "payout_account")
_MAX_LENGTH = 300


class BadSealImage(UserError):
    """The chosen seal file is not a PNG/JPEG image we can print."""


def setting_key(shop_id: int | None) -> str:
    return SETTING_KEY if shop_id is None else f"{SETTING_KEY}:{shop_id}"


def get_shop_profile(session: Session, shop_id: int | None = None) -> ShopProfile:
    """The saved profile of one shop (None: of every shop) as stored, or an empty one; fields a
    newer version added are ignored."""
    setting = session.get(Setting, setting_key(shop_id))
    if setting is None:
        return ShopProfile()
    try:
        stored = json.loads(setting.value)
    except json.JSONDecodeError:
        return ShopProfile()
    if not isinstance(stored, dict):
        return ShopProfile()
    def text(key: str) -> str:
        value = stored.get(key)
        return str(value) if value else ""

    return ShopProfile(
        name=text("name"), contact=text("contact"), phone=text("phone"), address=text("address"),
        payout_account=text("payout_account"), seal_image=text("seal_image") or None,
    )


def profile_for_shop(session: Session, shop_id: int | None) -> ShopProfile:
    """What a statement for this shop's order prints: the shop's own profile, its empty fields from
    the all-shops profile, an empty name from the shop's own name."""
    default = get_shop_profile(session)
    if shop_id is None:
        return default
    own = get_shop_profile(session, shop_id)
    merged = ShopProfile(**{field: getattr(own, field) or getattr(default, field)
                            for field in (*_TEXT_FIELDS, "seal_image")})
    if not merged.name:
        shop = session.get(Shop, shop_id)
        if shop is not None:
            merged = replace(merged, name=shop.name)
    return merged


def seal_path(session: Session, profile: ShopProfile) -> Path | None:
    """The seal image on this computer, if the profile has one and the file is there (on a team
    ledger fetched from the ledger the first time)."""
    if not profile.seal_image:
        return None
    path = local_file(session, profile.seal_image)
    return path if path.is_file() else None


def read_seal(source: Path) -> tuple[str, bytes]:
    """A PNG/JPEG seal's stored name (by its content) and bytes; anything else is refused."""
    suffix = source.suffix.lower()
    if suffix not in _IMAGE_MAGIC:
        raise BadSealImage(msg.say(msg.SEAL_NOT_IMAGE, source.name))
    try:
        found = source.stat()
        if not stat.S_ISREG(found.st_mode):
            # A pipe named seal.png waited for a writer forever, /dev/zero behind one was read until memory ran out.
            raise BadSealImage(msg.say(msg.SEAL_NOT_A_FILE, source.name))
        if found.st_size > MAX_SEAL_BYTES:
            raise BadSealImage(msg.say(msg.SEAL_TOO_BIG, found.st_size // 1024))
        with source.open("rb") as handle:
            data = handle.read(MAX_SEAL_BYTES + 1)
        if len(data) > MAX_SEAL_BYTES:  # grew since its size was read
            raise BadSealImage(msg.say(msg.SEAL_TOO_BIG, len(data) // 1024))
    except OSError as exc:
        raise BadSealImage(msg.say(msg.SEAL_UNREADABLE, source.name, system_error_text(exc))) from None
    if not data.startswith(_IMAGE_MAGIC[suffix]):
        raise BadSealImage(msg.say(msg.SEAL_BROKEN, source.name, suffix[1:].upper()))
    name = f"seal-{hashlib.sha256(data).hexdigest()[:16]}{'.jpg' if suffix == '.jpeg' else suffix}"
    return f"{SEAL_FOLDER}/{name}", data


def place_seal(session: Session, stored: str, data: bytes) -> str:
    """Inside the transaction that saves the profile: the seal into the files home (and the ledger,
    on a team ledger). Same content, same name: choosing the same file twice copies once."""
    target = files_home(session) / stored
    if not target.exists():
        write_whole(target, data)
    if files_are_shared(session):
        keep_file(session, stored, data)
    return stored


def _cleaned(profile: ShopProfile) -> ShopProfile:
    values = {}
    for field in _TEXT_FIELDS:
        text = getattr(profile, field).strip()
        if len(text) > _MAX_LENGTH:
            raise UserError(msg.say(msg.SHOP_DETAIL_TOO_LONG, _MAX_LENGTH))
        values[field] = text
    return replace(profile, **values)


def save_shop_profile(db: Database, profile: ShopProfile, seal_source: Path | None = None,
                      shop_id: int | None = None, expected_version: int | None = None,
                      author: str | None = None) -> Written[ShopProfile]:
    """Save the profile of one shop (None: of every shop) in one transaction, recorded under the seat's name;
    `seal_source` is a new seal image to copy in. `expected_version`: the profile's version the dialog showed
    (`ProfileState.version`, 0 for none saved yet); another seat's save since refuses this one, naming it.

    To remove the seal, pass a profile whose `seal_image` is None. Its value is what was stored.
    """
    stored = _cleaned(profile)
    seal = read_seal(seal_source) if seal_source is not None else None
    with db.transaction() as session:
        shop = None if shop_id is None else session.get(Shop, shop_id)
        if shop_id is not None and shop is None:
            raise UserError(msg.say(msg.NO_SHOP, shop_id))
        # Made if missing and locked: a second seat's save waits for this one, then reads its version.
        setting = locked_setting(session, setting_key(shop_id))
        if expected_version is not None and _version_of(setting) != expected_version:
            what = msg.say(msg.PROFILE_OF_EVERY_SHOP) if shop is None else msg.say(msg.PROFILE_OF_SHOP, shop.name)
            last = last_shop_change(session, SHOP_PROFILE, shop_id or 0)
            raise StaleData(msg.say(msg.SAVED_MEANWHILE_BY, what, last.author) if last and last.author
                            else msg.say(msg.SAVED_MEANWHILE, what))
        if seal is not None:
            stored = replace(stored, seal_image=place_seal(session, *seal))
        value = json.dumps(asdict(stored), ensure_ascii=False, sort_keys=True)
        if setting.value != value:
            setting.value = value
            note_change(session, SHOP_PROFILE, f"修改店铺信息（{shop.name if shop else '全部店铺'}）",
                        subject_id=shop_id or 0, author=author)
        changes = changes_in(session)
    return Written(stored, changes)


@dataclass(frozen=True, slots=True)
class ProfileState:
    """A shop's profile as the dialog shows it: the version it saves against, who saved it last and when."""

    profile: ShopProfile
    version: int  # 0: none saved yet
    changed: ShopChange | None


def profile_state(session: Session, shop_id: int | None = None) -> ProfileState:
    return ProfileState(get_shop_profile(session, shop_id), _version_of(session.get(Setting, setting_key(shop_id))),
                        last_shop_change(session, SHOP_PROFILE, shop_id or 0))


def _version_of(setting: Setting | None) -> int:
    """The profile's version; 0 while none is saved (the row `locked_setting` makes holds no value yet)."""
    return setting.version if setting is not None and setting.value else 0


def load_shop_profile(db: Database, shop_id: int | None = None) -> ShopProfile:
    with db.reading() as session:
        return get_shop_profile(session, shop_id)
