"""Builds fixtures/near-duplicates/ from the chest X-rays in fixtures/kermany-cxr-mini.

Five normal images go to a/, five bacterial-pneumonia images to b/, all converted to 8-bit grey
PNG. One further normal image is saved twice: as a/same.png (lossless) and as b/same.jpg (JPEG,
quality 90), so the two files are not identical but are a near-duplicate pair across labels.

Run: python3 scripts/make_near_duplicate_fixtures.py   (needs Pillow; the output is deterministic)
"""
import pathlib

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "kermany-cxr-mini"
TARGET = ROOT / "fixtures" / "near-duplicates"


def grey(path: pathlib.Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("L")


def main() -> None:
    normals = sorted((SOURCE / "train" / "NORMAL").glob("*.jpeg"))
    bacteria = sorted(p for p in (SOURCE / "train" / "PNEUMONIA").glob("*.jpeg") if "bacteria" in p.name)
    (TARGET / "a").mkdir(parents=True, exist_ok=True)
    (TARGET / "b").mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(normals[:5]):
        grey(path).save(TARGET / "a" / f"normal-{index}.png", optimize=False)
    for index, path in enumerate(bacteria[:5]):
        grey(path).save(TARGET / "b" / f"bacteria-{index}.png", optimize=False)
    same = grey(normals[5])
    same.save(TARGET / "a" / "same.png", optimize=False)
    same.save(TARGET / "b" / "same.jpg", quality=90)
    sources = [p.name for p in normals[:6] + bacteria[:5]]
    (TARGET / "README.md").write_text(
        "# near-duplicates\n\n"
        "Eleven paediatric chest X-rays from `../kermany-cxr-mini` (Kermany, Zhang and Goldbaum 2018,\n"
        "doi:10.17632/rscbjbr9sj.2, CC BY 4.0), converted to 8-bit grey by `scripts/make_near_duplicate_fixtures.py`.\n"
        "`a/same.png` and `b/same.jpg` are the same image saved losslessly and as JPEG quality 90: a\n"
        "near-duplicate pair across labels that is not an exact duplicate.\n\n"
        "Sources: " + ", ".join(sources) + "\n"
    )


if __name__ == "__main__":
    main()
