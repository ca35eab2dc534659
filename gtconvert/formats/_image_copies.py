"""The images of a folder format's output: linked or copied beside the labels, one policy.

YOLO, Pascal VOC, semantic masks and classification folders all carry their images. Each
names where every image goes; what cannot be copied (the images' folder is unknown, or a file
is missing) is one warning with a count and the first missing files, never a silent gap.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence

from .. import imagefiles, report
from ..model import Dataset


def copy_images_or_warn(
    dataset: Dataset,
    pairs: Sequence[tuple[int, str]],
    *,
    fmt: str,
    kept: str,
    under: str | None,
    names: Sequence[str] | None = None,
    link: bool = False,
) -> None:
    """Link or copy image ``i`` of ``dataset`` to ``dst`` for each ``(i, dst)`` of ``pairs``.

    Sources are ``names[i]`` (default: the images' file names) under the dataset's image
    folder; video frames whose image file does not exist are decoded from the video. ``fmt``
    names the format in messages (its lower case is the warning code's prefix), ``kept`` what
    was written anyway ("labels written"), ``under`` where the user should put the images
    (None: the images are the output, there is nowhere else to put them). Images are copied;
    ``link`` hard-links them instead (``--link-images``: an output edited in place edits the input).
    """
    code = f"{fmt.lower()}.images_missing"
    root = dataset.image_root
    if not root:
        report.warn(
            code,
            f"{fmt}: the {len(pairs)} images were not copied (their folder is unknown; pass "
            f"--images DIR when reading to copy them){_put(under)}",
            len(pairs),
        )
        return
    names = dataset.images.file_name.tolist() if names is None else names
    sources = [(os.path.join(root, names[i]), dst) for i, dst in pairs]
    frames = imagefiles.video_frames(dataset)
    missing = imagefiles.copy_images(sources, [frames[i] for i, _ in pairs] if frames else None, link=link)
    examples: list[str] = []
    if missing:
        decoded = frames or [None] * len(names)  # a frame decoded from its video is not missing
        absent = (s for (s, _), (i, _) in zip(sources, pairs) if decoded[i] is None and not os.path.isfile(s))
        examples = list(itertools.islice(absent, 5))
    report.warn(
        code,
        f"{fmt}: {missing} images not found under {root}; {kept}{_put(under)}",
        missing,
        examples,
    )


def _put(under: str | None) -> str:
    return f", put the images under {under}" if under else ""
