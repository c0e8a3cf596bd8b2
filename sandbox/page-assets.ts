/**
 * The page's style sheet and script, served as files by the page server (`/page.css`, `/page.js`) rather
 * than inline, so the page's Content-Security-Policy can allow exactly these and nothing a name could
 * smuggle in. Names wrap anywhere (a 1,024-byte object name must not widen the page to thousands of
 * pixels) and each is a bidi isolate.
 */

export const REFRESH_MS = 2000;

export const PAGE_CSS_PATH = '/page.css';
export const PAGE_SCRIPT_PATH = '/page.js';

export const PAGE_CSS = `body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em;margin:0}h2{font-size:1.1em}
.columns{display:flex;gap:2em;flex-wrap:wrap}.columns>section{flex:1 1 22em;min-width:0}.muted{color:#777}.bad{color:#b00}.good{color:#070}
ul.tree{list-style:none;padding-left:1.2em;margin:.2em 0}li.folder>.name{font-weight:600}li.file .size,li.file .revisions{color:#555}code{font-size:12px}
bdi{unicode-bidi:isolate}.name,h2,code,td{overflow-wrap:anywhere}
table{border-collapse:collapse;max-width:100%}td,th{padding:.15em .6em;text-align:left;border-bottom:1px solid #eee;vertical-align:top;white-space:nowrap}td.name{white-space:normal}
`;

/** Re-renders in place from the server every REFRESH_MS (no flicker, no scroll jump). */
export const PAGE_SCRIPT = `setInterval(async()=>{try{const r=await fetch(location.pathname,{cache:'no-store'});if(!r.ok)return;
const d=new DOMParser().parseFromString(await r.text(),'text/html').getElementById('content');
if(d)document.getElementById('content').innerHTML=d.innerHTML}catch(e){}},${REFRESH_MS});
`;
