"""RLE masks as ASAM OpenLABEL embedded images: ``image`` object data, a base64 PNG (0/255).

OpenLABEL has no RLE; its specification offers PNG masks, "embedded images" among them, for
segmentation. The PNG is exact (one bit per pixel), so a mask comes back as it was.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np

from ... import geometry
from ...errors import GtconvertError


def mask_png(rle: dict[str, Any]) -> str:
    """An RLE mask as a base64 PNG (0/255, single channel), as ASAM's embedded image data."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(geometry.rle_decode(rle).astype(np.uint8) * 255).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def mask_rle(text: Any, path: Any, uid: str) -> dict[str, Any]:
    """A base64 PNG ``image`` value -> an RLE mask (non-zero pixels)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(base64.b64decode(str(text), validate=True))) as im:
            mask = np.asarray(im.convert("L")) > 0
    except (ValueError, OSError) as exc:
        raise GtconvertError(
            f"embedded mask is not a base64 PNG ({exc})", file=path, record=f"object {uid}"
        ) from None
    return geometry.mask_to_rle(mask)
