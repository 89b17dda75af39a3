// Enhancements only: every feature here also works without JavaScript.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var YEAR = 365 * 24 * 3600;

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // Skip links: move keyboard focus, not just the scroll position, to the target. A target that
  // is not focusable gets tabindex="-1" while it has focus (GOV.UK Frontend's skip link).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".skip-link");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
      target.classList.add("skip-target");
      target.addEventListener("blur", function onBlur() {
        target.removeAttribute("tabindex");
        target.classList.remove("skip-target");
        target.removeEventListener("blur", onBlur);
      });
    }
    target.focus();
    if (history.replaceState) history.replaceState(null, "", "#" + target.id);
  });

  // Text size and colours: apply at once, remember for a year, leave focus where it is.
  var form = document.getElementById("reader-settings");
  if (form) {
    form.classList.add("is-instant");
    form.addEventListener("change", function (event) {
      var input = event.target;
      var group = input.closest && input.closest("fieldset[data-cookie]");
      if (input.type !== "radio" || !group) return;
      // Each preference's fieldset names its cookie and its class on <html> (reader/prefs.py).
      var prefix = group.getAttribute("data-class-prefix");
      var cookie = group.getAttribute("data-cookie");
      Array.prototype.slice.call(root.classList).forEach(function (c) {
        if (c.indexOf(prefix) === 0) root.classList.remove(c);
      });
      root.classList.add(prefix + input.value);
      document.cookie = cookie + "=" + input.value + "; path=/; max-age=" + YEAR +
        "; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
      if (input.scrollIntoView) input.scrollIntoView({ block: "nearest" });
    });
  }

  // "Copy link": where the page can copy, the link becomes a button that copies the address and
  // says so; without JavaScript or the Clipboard API it stays a plain link to this page.
  if (navigator.clipboard) {
    Array.prototype.forEach.call(document.querySelectorAll("a.copy-link"), function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      button.textContent = link.textContent;
      button.setAttribute("data-copied", link.getAttribute("data-copied"));
      button.setAttribute("data-url", link.href);
      link.parentNode.replaceChild(button, link);
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button.copy-link");
      if (!button) return;
      navigator.clipboard.writeText(button.getAttribute("data-url")).then(function () {
        announce(button.getAttribute("data-copied"));
      });
    });
  }
})();
