"""EXIF orientation and size from image headers: gtconvert's header walk against Pillow.

    python bench/exif_headers.py [--images 100000] [--out /dev/shm/gtconvert-exif]

Writes ``--images`` JPEGs (hard links to a few files with and without an Exif block, phone-like
4000 x 3000 headers with a 20 KB thumbnail-sized APP1) and times, on the same paths:

* ``pillow``: ``Image.open`` + ``size`` + ``getexif()`` per file, in one thread (what Ultralytics'
  ``exif_size``, FiftyOne and most loaders do);
* ``gtconvert.headers``: the hand walk of the header, in one thread;
* ``imagefiles.header_infos``: gtconvert's reading (the walk, batched over 8 threads);
* ``gtconvert.read``: a COCO file of the same images read with them present, and without.

The load average is printed with each line: on a shared 2-core machine the figures move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _make(out: Path, n: int) -> list[str]:
    import numpy as np
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(0).integers(0, 255, (3000 // 50, 4000 // 50, 3), dtype=np.uint8)
    im = Image.fromarray(pixels).resize((400, 300))
    variants = []
    for tag in (1, 6, 8, 3):
        exif = Image.Exif()
        exif[0x010F], exif[0x0110], exif[0x0112] = "Phone", "Model 12", tag
        path = out / f"v{tag}.jpg"
        im.save(path, exif=exif.tobytes() + b"\x00" * 20000, quality=85)
        variants.append(path)
    images = out / "images"
    images.mkdir(exist_ok=True)
    names = [f"{i:06d}.jpg" for i in range(n)]
    for i, name in enumerate(names):
        target = images / name
        if not target.exists():
            os.link(variants[i % len(variants)], target)
    doc = {
        "images": [  # the displayed size, as a COCO file of the displayed frame has it (6 and 8 turn)
            {
                "id": i + 1,
                "file_name": n_,
                "width": 300 if i % 4 in (1, 2) else 400,
                "height": 400 if i % 4 in (1, 2) else 300,
            }
            for i, n_ in enumerate(names)
        ],
        "annotations": [
            {
                "id": i + 1,
                "image_id": i + 1,
                "category_id": 1,
                "bbox": [10, 10, 50, 40],
                "area": 2000,
                "iscrowd": 0,
            }
            for i in range(n)
        ],
        "categories": [{"id": 1, "name": "thing"}],
    }
    (out / "coco.json").write_text(json.dumps(doc))
    return [str(images / name) for name in names]


def _time(label: str, fn, n: int) -> None:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    print(f"{label:<44} {dt:8.2f} s  {dt / n * 1e6:7.1f} us/image  load {os.getloadavg()[0]:.1f}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--images", type=int, default=100_000)
    p.add_argument("--out", default="/dev/shm/gtconvert-exif")
    args = p.parse_args()
    out = Path(args.out)
    paths = _make(out, args.images)
    n = len(paths)

    from PIL import Image

    import gtconvert
    from gtconvert import headers, imagefiles

    def pillow() -> None:
        for path in paths:
            with Image.open(path) as im:
                _ = im.size, im.getexif().get(0x0112, 1)

    print(f"{n} JPEGs under {out}")
    _time("pillow open + getexif (1 thread)", pillow, n)
    _time("gtconvert.headers.read_header (1 thread)", lambda: [headers.read_header(p) for p in paths], n)
    _time("imagefiles.header_infos (8 threads)", lambda: imagefiles.header_infos(paths), n)
    _time("gtconvert.read COCO, images present", lambda: gtconvert.read(out / "coco.json"), n)
    _time(
        "gtconvert.read COCO, image folder absent",
        lambda: gtconvert.read(out / "coco.json", images=str(out / "absent")),
        n,
    )


if __name__ == "__main__":
    main()
