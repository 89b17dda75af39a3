"""Known XSS vectors, and `dangerous`, the check that sanitised HTML can run or load nothing.
A support module for the sanitiser's tests (tests/test_sanitize.py, tests/test_hostile_input.py).

Sources: the OWASP XSS filter evasion cheat sheet, PortSwigger's XSS cheat sheet, html5sec.org,
and the gaps found in this project (issue 8)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\" alt=\"\">",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=\"jav&#x09;ascript:alert(1)\">",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"https://ok.example/\" onclick=\"alert(1)\" onmouseover=\"alert(1)\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">styled</div>",
    "<p style=\"width: expression(alert(1))\">expr</p>",
    "<style>body{background:url(https://evil.example/x)}</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<svg onload=alert(1)><circle r=10></circle></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math href=\"javascript:alert(1)\">CLICK</math>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<embed src=\"https://evil.example/x.swf\">",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "<form action=\"https://evil.example/\"><input name=q><button>go</button></form>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<p title=\"\"><img src=x onerror=alert(1)>\">",
    "<table><tr><td background=\"javascript:alert(1)\">x</td></tr></table>",
    "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<b><i>unclosed <u>nesting</b> and <p>more</i>",
    "</p></div></article></main><script>alert(1)</script>",
    "<img src=\"https://evil.example/track.gif\" alt=\"\">",
    "<div id=\"main-content\" class=\"skip-link\">clobber</div>",
    "<a href=\"https://ok.example/\" target=\"_blank\" rel=\"opener\">new window</a>",
    "<xmp><script>alert(1)</script></xmp>",
    "<isindex action=javascript:alert(1) type=image>",
    # Issue 8, row 6: a tab the browser ignores turns the path into //host; bleach read the
    # digits after "javascript:" as a port.
    "<img src=\"/&#9;/evil.example/x.png\">",
    "<a href=\"javascript:123\">x</a>",
    # Relative image URLs that browsers resolve to another host.
    "<img src=\"/\\evil.example/x.png\">",
    "<img src=\"\\\\evil.example/x.png\">",
    "<img src=\"//evil.example/x.png\">",
    "<img src=\"/&#10;/evil.example/x.png\">",
    "<img src=\"/&#13;/evil.example/x.png\">",
    "<img src=\" &#1;//evil.example/x.png\">",
    "<img src=\"/&Tab;/evil.example/x.png\">",
    "<img src=\"https:evil.example/x.png\">",
    # javascript: spelt every way (OWASP: entities with and without semicolons, padding,
    # hexadecimal, embedded tab, newline and carriage return, leading controls).
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
    "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
    "&#0000116&#0000058alert(1)\">x</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0D;ascript:alert(1)\">x</a>",
    "<a href=\"jav&NewLine;ascript:alert(1)\">x</a>",
    "<a href=\" &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"&#x1;javascript:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"javascript&#58;alert(1)\">x</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
    "<a href=\"javascript://%0aalert(1)\">x</a>",
    "<a href=\"javascript:void(0)\">x</a>",
    "<q cite=\"javascript:alert(1)\">q</q>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<a href=\"jav\tascript:alert(1)\">x</a>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img src=1 onerror=alert(1)//",
    # Tags that bend the parser (OWASP, html5sec, PortSwigger).
    "<SCRIPT/XSS SRC=\"https://evil.example/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
    "<SCRIPT SRC=https://evil.example/xss.js?< B >",
    "<iframe src=https://evil.example/scriptlet.html <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<svg/onload=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<STYLE>@import'https://evil.example/xss.css';</STYLE>",
    "<META HTTP-EQUIV=\"Link\" Content=\"<https://evil.example/xss.css>; REL=stylesheet\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(&#1;javascript:alert('XSS'))\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"https://evil.example/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIj4=\""
    " type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<xss onafterscriptexecute=alert(1)><script>1</script>",
    "<img srcset=\"https://evil.example/x.png 1x\" src=\"/media/a.png\">",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<a href=\"https://ok.example/\" style=\"position:fixed;inset:0\">overlay</a>",
    "<!-- --!><script>alert(1)</script> -->",
    "<!--> <script>alert(1)</script>",
    # Mutation XSS: markup that parses differently the second time (DOMPurify, PortSwigger).
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\">",
    "<noscript><style></noscript><img src=x onerror=alert(1)>",
    # A polyglot that escapes every raw-text context at once (0xsobky).
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/"
    "</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
    "<a href=\"javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/"
    "onmouseover=1/+/[*/[]/+alert(1)//'>\">x</a>",
]

SAFE_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
             "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
             "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
             "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
             "time", "tr", "u", "ul"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "background", "data", "xlink:href"}


class _Markup(HTMLParser):
    """What a browser would build from the HTML: each element and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            # Browsers ignore controls and spaces around a URL and tab, newline and carriage
            # return inside it, and read a backslash in a web URL as a slash.
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name in ("style", "id", "class", "srcdoc"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append(f"{tag}[{name}={value[:20]}]")
            path = value.replace("\\", "/")
            if tag == "img" and name == "src" and (not path.startswith("/") or path.startswith("//")):
                self.problems.append(f"img from another host: {value[:30]}")


def dangerous(html: str) -> list[str]:
    """Elements and attributes in sanitised output that could run, load or restyle anything."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.problems
