#!/usr/bin/env python3
"""Write content/kits/programmation/premier-jeu-scratch/chat-gourmand.sb3, the finished game of
the Scratch kit, as a valid Scratch 3 project: a zip holding project.json and its assets.

The drawings (a cat, an apple, a plain backdrop) and the "croque" sound are original, made here
for the wiki (CC BY-SA 4.0), so the file can be shared freely; in the workshop, children use the
Apple sprite of Scratch's library, whose sound is called "Chomp".

Usage: scripts/supports/chat-gourmand-sb3.py   (Python 3 standard library only)
"""
import hashlib
import io
import json
import math
import struct
import wave
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "content/kits/programmation/premier-jeu-scratch/chat-gourmand.sb3"

BACKDROP = """<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360" viewBox="0 0 480 360">
<rect width="480" height="360" fill="#dff3ff"/><rect y="300" width="480" height="60" fill="#8fd18b"/>
</svg>"""
CAT = """<svg xmlns="http://www.w3.org/2000/svg" width="90" height="80" viewBox="0 0 90 80">
<path d="M12 30 L18 2 L38 20 Z M78 30 L72 2 L52 20 Z" fill="#f5a623" stroke="#5a3b00" stroke-width="3"/>
<ellipse cx="45" cy="45" rx="38" ry="32" fill="#f5a623" stroke="#5a3b00" stroke-width="3"/>
<circle cx="32" cy="40" r="5" fill="#222"/><circle cx="58" cy="40" r="5" fill="#222"/>
<path d="M40 52 L50 52 L45 58 Z" fill="#d0021b"/>
<path d="M45 58 Q38 66 30 62 M45 58 Q52 66 60 62" fill="none" stroke="#5a3b00" stroke-width="2"/>
<path d="M20 52 L4 48 M20 56 L4 58 M70 52 L86 48 M70 56 L86 58" stroke="#5a3b00" stroke-width="2"/>
</svg>"""
APPLE = """<svg xmlns="http://www.w3.org/2000/svg" width="50" height="56" viewBox="0 0 50 56">
<path d="M25 14 C10 4 0 18 2 32 C4 46 14 56 25 50 C36 56 46 46 48 32 C50 18 40 4 25 14 Z" fill="#e02020" stroke="#7a0000" stroke-width="2.5"/>
<path d="M25 14 Q24 6 28 1" fill="none" stroke="#5a3b00" stroke-width="3"/>
<path d="M28 8 Q38 0 44 6 Q36 12 28 8 Z" fill="#3caa3c"/>
</svg>"""


def croque() -> bytes:
    """A short crunchy sound: noise bursts under a falling tone, 0.25 s at 22,050 Hz."""
    rate, n = 22050, 5512
    frames = bytearray()
    seed = 12345
    for i in range(n):
        t = i / rate
        seed = (1103515245 * seed + 12345) % 2**31
        noise = (seed / 2**30) - 1.0
        env = math.exp(-t * 18)
        tone = math.sin(2 * math.pi * (500 - 800 * t) * t)
        value = int(12000 * env * (0.6 * noise + 0.4 * tone))
        frames += struct.pack("<h", max(-32768, min(32767, value)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return buf.getvalue()


def asset(data: bytes, ext: str) -> tuple[str, str, bytes]:
    md5 = hashlib.md5(data).hexdigest()
    return md5, f"{md5}.{ext}", data


class Blocks:
    def __init__(self, prefix: str):
        self.blocks, self.prefix, self.count = {}, prefix, 0

    def add(self, opcode, inputs=None, fields=None, shadow=False, top=None):
        self.count += 1
        bid = f"{self.prefix}{self.count}"
        block = {"opcode": opcode, "next": None, "parent": None, "inputs": inputs or {},
                 "fields": fields or {}, "shadow": shadow, "topLevel": top is not None}
        if top is not None:
            block["x"], block["y"] = top
        self.blocks[bid] = block
        return bid

    def chain(self, *ids):
        for a, b in zip(ids, ids[1:]):
            self.blocks[a]["next"] = b
            self.blocks[b]["parent"] = a

    def child(self, parent, child):
        self.blocks[child]["parent"] = parent


def num(value):
    return [1, [4, str(value)]]


VAR_ID = "score-var"


def random_x(b: Blocks, parent: str) -> str:
    rid = b.add("operator_random", {"FROM": num(-220), "TO": num(220)})
    b.child(parent, rid)
    return rid


def goto_random_top(b: Blocks) -> str:
    gid = b.add("motion_gotoxy", {"Y": num(170)})
    rid = random_x(b, gid)
    b.blocks[gid]["inputs"]["X"] = [3, rid, [4, "0"]]
    return gid


def cat_blocks() -> dict:
    b = Blocks("cat")
    flag = b.add("event_whenflagclicked", top=(40, 40))
    goto = b.add("motion_gotoxy", {"X": num(0), "Y": num(-140)})
    b.chain(flag, goto)
    right = b.add("event_whenkeypressed", fields={"KEY_OPTION": ["right arrow", None]}, top=(40, 180))
    dx = b.add("motion_changexby", {"DX": num(10)})
    b.chain(right, dx)
    left = b.add("event_whenkeypressed", fields={"KEY_OPTION": ["left arrow", None]}, top=(40, 300))
    dx2 = b.add("motion_changexby", {"DX": num(-10)})
    b.chain(left, dx2)
    return b.blocks


def apple_blocks() -> dict:
    b = Blocks("apple")
    flag = b.add("event_whenflagclicked", top=(40, 40))
    setv = b.add("data_setvariableto", {"VALUE": [1, [10, "0"]]}, {"VARIABLE": ["score", VAR_ID]})
    start = goto_random_top(b)
    forever = b.add("control_forever")
    b.chain(flag, setv, start, forever)
    fall = b.add("motion_changeyby", {"DY": num(-5)})
    b.blocks[forever]["inputs"]["SUBSTACK"] = [2, fall]
    b.child(forever, fall)
    # if touching Chat
    if1 = b.add("control_if")
    touch = b.add("sensing_touchingobject")
    menu = b.add("sensing_touchingobjectmenu", fields={"TOUCHINGOBJECTMENU": ["Chat", None]}, shadow=True)
    b.blocks[touch]["inputs"]["TOUCHINGOBJECTMENU"] = [1, menu]
    b.child(touch, menu)
    b.blocks[if1]["inputs"]["CONDITION"] = [2, touch]
    b.child(if1, touch)
    inc = b.add("data_changevariableby", {"VALUE": num(1)}, {"VARIABLE": ["score", VAR_ID]})
    play = b.add("sound_play")
    smenu = b.add("sound_sounds_menu", fields={"SOUND_MENU": ["croque", None]}, shadow=True)
    b.blocks[play]["inputs"]["SOUND_MENU"] = [1, smenu]
    b.child(play, smenu)
    back1 = goto_random_top(b)
    b.blocks[if1]["inputs"]["SUBSTACK"] = [2, inc]
    b.child(if1, inc)
    b.chain(inc, play, back1)
    # if y position < -170
    if2 = b.add("control_if")
    lt = b.add("operator_lt")
    ypos = b.add("motion_yposition")
    b.blocks[lt]["inputs"] = {"OPERAND1": [3, ypos, [10, ""]], "OPERAND2": [1, [10, "-170"]]}
    b.child(lt, ypos)
    b.blocks[if2]["inputs"]["CONDITION"] = [2, lt]
    b.child(if2, lt)
    back2 = goto_random_top(b)
    b.blocks[if2]["inputs"]["SUBSTACK"] = [2, back2]
    b.child(if2, back2)
    b.chain(fall, if1, if2)
    return b.blocks


def costume(name, md5, ext, cx, cy):
    return {"name": name, "bitmapResolution": 1, "dataFormat": "svg", "assetId": md5,
            "md5ext": ext, "rotationCenterX": cx, "rotationCenterY": cy}


def main():
    files = {}
    bd = asset(BACKDROP.encode(), "svg")
    cat = asset(CAT.encode(), "svg")
    apple = asset(APPLE.encode(), "svg")
    wav = croque()
    snd = asset(wav, "wav")
    for md5, name, data in (bd, cat, apple, snd):
        files[name] = data
    sample_count = (len(wav) - 44) // 2
    common = {"lists": {}, "broadcasts": {}, "comments": {}, "currentCostume": 0, "volume": 100}
    stage = {"isStage": True, "name": "Stage", "variables": {VAR_ID: ["score", 0]}, "blocks": {},
             "costumes": [costume("ciel", bd[0], bd[1], 240, 180)], "sounds": [], "layerOrder": 0,
             "tempo": 60, "videoTransparency": 50, "videoState": "on",
             "textToSpeechLanguage": None, **common}
    sprite = {"isStage": False, "variables": {}, "visible": True, "size": 100, "direction": 90,
              "draggable": False, "rotationStyle": "all around", **common}
    chat = {**sprite, "name": "Chat", "blocks": cat_blocks(), "layerOrder": 1, "x": 0, "y": -140,
            "costumes": [costume("chat", cat[0], cat[1], 45, 40)], "sounds": []}
    pomme = {**sprite, "name": "Pomme", "blocks": apple_blocks(), "layerOrder": 2, "x": 0, "y": 170,
             "costumes": [costume("pomme", apple[0], apple[1], 25, 28)],
             "sounds": [{"name": "croque", "assetId": snd[0], "dataFormat": "wav", "format": "",
                         "rate": 22050, "sampleCount": sample_count, "md5ext": snd[1]}]}
    project = {
        "targets": [stage, chat, pomme],
        "monitors": [{"id": VAR_ID, "mode": "default", "opcode": "data_variable",
                      "params": {"VARIABLE": "score"}, "spriteName": None, "value": 0,
                      "width": 0, "height": 0, "x": 5, "y": 5, "visible": True,
                      "sliderMin": 0, "sliderMax": 100, "isDiscrete": True}],
        "extensions": [],
        "meta": {"semver": "3.0.0", "vm": "0.2.0", "agent": "mallette scripts/supports/chat-gourmand-sb3.py"},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(OUT, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("project.json", date_time=(2026, 12, 1, 0, 0, 0))
        z.writestr(info, json.dumps(project, ensure_ascii=False, separators=(",", ":")))
        for name, data in sorted(files.items()):
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0)), data)
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
