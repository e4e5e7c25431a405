#!/usr/bin/env python3
"""Writes dev.jsonl and test.jsonl from messages_dev.py and messages_test.py."""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
PREFIX = {"social": "so", "web": "we", "email": "em", "phone": "ph", "service_desk": "sd"}


def build(module, split):
    msgs = __import__(module).MESSAGES
    counts = {}
    seen = set()
    lines = []
    for m in msgs:
        channel, dis, act, text = m[:4]
        safeguarding = act in ("SG", "SG0")
        act = {"SG": 1, "SG0": None}.get(act, act) if isinstance(act, str) else act
        subject = m[4] if len(m) > 4 else None
        assert text not in seen, f"duplicate: {text}"
        seen.add(text)
        assert (act is None) == (channel not in ("social", "web")), f"actionable label: {text}"
        counts[channel] = counts.get(channel, 0) + 1
        rec = {"id": f"{split}-{PREFIX[channel]}-{counts[channel]:03}", "channel": channel}
        if subject:
            rec["subject"] = subject
        rec["text"] = text
        rec["dissatisfied"] = bool(dis)
        rec["actionable"] = None if act is None else bool(act)
        if safeguarding:
            rec["safeguarding"] = True
        lines.append(json.dumps(rec, ensure_ascii=False))
    with open(os.path.join(here, f"{split}.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    d = sum(json.loads(l)["dissatisfied"] for l in lines)
    a = [json.loads(l)["actionable"] for l in lines]
    sg = sum(1 for l in lines if json.loads(l).get("safeguarding"))
    print(f"{split}: {sg} safeguarding; ", end="")
    print(f"{split}: {len(lines)} messages, {d} dissatisfied, "
          f"{sum(1 for x in a if x)} actionable of {sum(1 for x in a if x is not None)} social/web")


build("messages_dev", "dev")
build("messages_test", "test")
