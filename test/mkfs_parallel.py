"""
test/mkfs_parallel.py: the scenario mkfs_parallel, two builds of one disk
image at once, as when `make test` runs in one terminal while `make qemu`
rebuilds in another after a change: both run mkfs on build/fs.img.

mkfs writes a new image and renames it over the old one (so a running
machine keeps its disk). The new file had one name for everyone
(IMAGE.new): the second mkfs wrote into the file the first had already
renamed away and failed with "cannot rename", or both wrote it at once.
Now each writes a file of its own.

ROUNDS times, two mkfs start at once on the same image, from the disk's
file list ($(B)/fs.list): both must exit 0, the image must be byte for
byte the one mkfs made alone from the same list (the build's
fs-tests.img), and no file of theirs may be left beside it.
"""

import filecmp
import os
import shutil
import subprocess
import tempfile

ROUNDS = 2


def scenario(run, test):
    mkfs = os.path.join(run.build, "mkfs")
    with open(os.path.join(run.build, "fs.list")) as f:
        files = f.read().split()
    alone = os.path.join(run.build, "fs-tests.img")
    tmp = tempfile.mkdtemp(prefix="osv-rv-mkfs-")
    try:
        image = os.path.join(tmp, "fs.img")
        for i in range(ROUNDS):
            pair = [subprocess.Popen([mkfs, image] + files, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, universal_newlines=True)
                    for _ in range(2)]
            outs = [p.communicate(timeout=120)[0] for p in pair]
            bad = [(p.returncode, o.strip()) for p, o in zip(pair, outs) if p.returncode != 0]
            if bad:
                return "round %d: two mkfs at once: %s" % (i + 1, "; ".join(
                    "exit %d: %s" % (rc, o.splitlines()[-1] if o else "") for rc, o in bad)), None
            if not filecmp.cmp(image, alone, shallow=False):
                return "round %d: the image differs from the one mkfs makes alone" % (i + 1), None
            left = sorted(set(os.listdir(tmp)) - {"fs.img"})
            if left:
                return "round %d: mkfs left %s beside the image" % (i + 1, ", ".join(left)), None
        run.detail.append("%d rounds of two mkfs at once on one image: both succeeded, the "
                          "image as mkfs makes it alone" % ROUNDS)
        return None, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
