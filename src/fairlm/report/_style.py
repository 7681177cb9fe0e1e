"""The report's inline stylesheet and its one small script (copy the model card)."""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CSS", "SCRIPT", "csp"]

CSS = """
:root{--fg:#1b1c1f;--muted:#565a62;--bg:#fff;--card:#f5f6f8;--line:#d4d7dd;--accent:#0b5cad;
--warn-bg:#fff3e0;--warn:#8a4500;--band:#f2f4f7;--r0:#0072b2;--r1:#c84f00;--r2:#00845f;
--r3:#b4479a;--r4:#5f5f00}
@media (prefers-color-scheme:dark){:root{--fg:#e8e9ec;--muted:#a9adb5;--bg:#15171b;
--card:#1e2127;--line:#3a3f48;--accent:#7db7ff;--warn-bg:#33260f;--warn:#ffb65c;--band:#1b1e23;
--r0:#56b4e9;--r1:#f08a3c;--r2:#2fc79a;--r3:#e48fcf;--r4:#d0d060}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
sans-serif;color:var(--fg);background:var(--bg)}
.wrap{max-width:66rem;margin:0 auto;padding:0 1rem}
a{color:var(--accent)}
.skip{position:absolute;left:-9999px;top:0}
.skip:focus{left:1rem;background:var(--bg);padding:.25rem .5rem}
header{padding:1.25rem 0 .25rem}
h1{font-size:1.7rem;line-height:1.25;margin:0 0 .25rem;overflow-wrap:anywhere}
h2{font-size:1.4rem;margin:2.25rem 0 .5rem;padding-top:.5rem;border-top:2px solid var(--line);
overflow-wrap:anywhere}
h3{font-size:1.1rem;margin:1.5rem 0 .4rem}
h4{font-size:1rem;margin:1.1rem 0 .3rem;overflow-wrap:anywhere}
p,li{max-width:48rem}
.muted{color:var(--muted)}
nav ul{display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;padding:0;margin:.5rem 0;list-style:none}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;
overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,18rem),1fr));gap:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.8rem 1rem;
min-width:0}
.card h3{margin:0 0 .2rem}
.card p{margin:.35rem 0}
.card .meaning{font-size:.88rem;color:var(--muted)}
.big{font-size:1.9rem;font-weight:650;line-height:1.2;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .45rem;border:1px solid currentColor;border-radius:.3rem;
font-size:.8rem;font-weight:600}
.nc{color:var(--warn)}
.warn{background:var(--warn-bg);border-left:4px solid var(--warn);padding:.5rem .8rem;
border-radius:.25rem}
.scroll{overflow-x:auto;max-width:100%;margin:.4rem 0}
table{border-collapse:collapse;font-size:.88rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{padding:.3rem .55rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--card)}
td{max-width:32rem;overflow-wrap:break-word}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.yes{font-weight:700}
figure{margin:.75rem 0}
figcaption{font-size:.9rem;color:var(--muted)}
svg.chart{display:block;width:100%;max-width:44rem;height:auto;color:var(--fg)}
svg.chart text{fill:var(--fg);font-size:13px;font-family:inherit}
svg.chart .tick{fill:var(--muted);font-size:12px}
svg.chart .ideal-lbl{font-size:12px;font-weight:600}
svg.chart .grid{stroke:var(--line);stroke-width:1}
svg.chart .band{fill:var(--band)}
svg.chart .ideal{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:5 4}
svg.chart .ci{stroke:currentColor;stroke-width:1.8}
svg.chart .val{font-variant-numeric:tabular-nums}
.run-0{color:var(--r0);fill:var(--r0);stroke:var(--r0)}
.run-1{color:var(--r1);fill:var(--r1);stroke:var(--r1)}
.run-2{color:var(--r2);fill:var(--r2);stroke:var(--r2)}
.run-3{color:var(--r3);fill:var(--r3);stroke:var(--r3)}
.run-4{color:var(--r4);fill:var(--r4);stroke:var(--r4)}
svg .run-0 circle,svg .run-1 rect,svg .run-2 polygon,svg .run-3 polygon{stroke:var(--bg);
stroke-width:1}
.key svg{vertical-align:-2px}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:600}
.examples{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,27rem),1fr))}
.ex{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.6rem .8rem;
min-width:0}
.ex dl{display:grid;grid-template-columns:minmax(6rem,10rem) minmax(0,1fr);gap:.15rem .8rem;
margin:0}
.ex .exid{margin:0 0 .3rem;font-size:.85rem;color:var(--muted)}
.ex dt{font-weight:600;color:var(--muted)}
.ex dd{margin:0;overflow-wrap:anywhere}
@media (max-width:34rem){.ex dl{grid-template-columns:minmax(0,1fr)}.ex dd{margin-bottom:.3rem}
h1{font-size:1.4rem}.big{font-size:1.6rem}}
pre{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.75rem;
white-space:pre-wrap;overflow-wrap:anywhere;font-size:.82rem;max-width:100%}
button{font:inherit;padding:.3rem .8rem;border:1px solid var(--line);border-radius:.3rem;
background:var(--card);color:var(--fg);cursor:pointer}
footer{margin:3rem 0 2rem;padding-top:1rem;border-top:1px solid var(--line);font-size:.9rem}
@media print{nav,button{display:none}details{display:block}}
""".strip()

# Copies the model-card Markdown; the only script in the page, allowed by its hash.
SCRIPT = (
    "document.addEventListener('click',function(e){"
    "var b=e.target.closest&&e.target.closest('button[data-copy]');if(!b)return;"
    "var t=document.getElementById(b.getAttribute('data-copy')).textContent;"
    "var ok=function(){b.textContent='Copied'};"
    "var no=function(){b.textContent='Select the text and copy it'};"
    "if(navigator.clipboard){navigator.clipboard.writeText(t).then(ok,no)}else{no()}});"
)


def csp() -> str:
    """Content-Security-Policy: nothing may load; only the page's own script may run.

    Even if some text escaped escaping, an injected script or image could not run or
    reach the network.
    """
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
