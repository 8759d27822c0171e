/** One stylesheet, allowed by its hash in the Content-Security-Policy (no inline style attributes are used). */
export const CSS = `
:root{--fg:#111;--muted:#555;--line:#ccc;--bg:#fff;--code:#f4f4f4}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:1.5rem}
h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1.2rem;border-bottom:2px solid var(--fg);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin:.2rem 0}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:13px/1.4 "DejaVu Sans Mono",Menlo,Consolas,monospace;background:var(--code)}
pre{padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-word;border:1px solid var(--line)}
pre.overlay{user-select:all}
.sev{display:inline-block;min-width:5.5em;padding:0 .4em;border:2px solid;font-weight:bold;text-transform:uppercase;font-size:.8rem;text-align:center}
.sev-critical{background:#000;color:#fff;border-color:#000}.sev-high{background:#fff;color:#000;border-color:#000;border-style:double;border-width:4px}
.sev-medium{background:#fff;color:#000;border-color:#555;border-style:dashed}.sev-info{background:#fff;color:#555;border-color:#999;border-style:dotted}
.finding{border:1px solid var(--line);border-left:6px solid #000;padding:.6rem .9rem;margin:1rem 0;break-inside:avoid-page}
.finding.info{border-left-style:dotted}.finding.medium{border-left-style:dashed}.finding.high{border-left-style:double}
ol.evidence{padding-left:1.2rem}ol.evidence li{margin:.2rem 0}ol.evidence .src{color:var(--muted);font-size:.85rem}
ol.evidence code{display:block;white-space:pre-wrap;word-break:break-all;padding:.15rem .3rem}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.summary dt{font-weight:bold}dl.summary dd{margin:0}
figure{margin:1rem 0;break-inside:avoid-page}figcaption{color:var(--muted);font-size:.9rem;max-width:70ch}
figure svg{max-width:100%;height:auto}details{margin:.3rem 0}summary{cursor:pointer}
.ok{font-weight:bold}nav ul{columns:2;padding-left:1.2rem}
.warning{border:3px solid #000;padding:.4rem .6rem}.note,.more,p.code{color:var(--muted);font-size:.85rem}
ol.evidence .more{display:block;margin-left:.3rem}
a:focus,summary:focus{outline:3px solid #000;outline-offset:2px}
@media print{body{max-width:none;padding:0;font-size:11pt}nav{display:none}
 a{color:inherit;text-decoration:none}h2,h3,h4{break-after:avoid-page}pre{white-space:pre-wrap}
 details::details-content{content-visibility:visible;display:block}details>summary{display:none}
 code,pre,th{background:none}figure svg{max-width:100%}}
`
