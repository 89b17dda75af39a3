// Enhancements only: every feature here also works without JavaScript.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var YEAR = 365 * 24 * 3600;
  var secure = location.protocol === "https:" ? "; secure" : "";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // Open every closed disclosure (<details>) around an element, so it can be seen and focused.
  function reveal(element) {
    for (var e = element.parentElement; e; e = e.parentElement) {
      if (e.tagName === "DETAILS" && !e.open) e.open = true;
    }
  }

  // Skip links: move keyboard focus, not just the scroll position, to the target, opening the
  // sections menu when it is folded. A target that is not focusable gets tabindex="-1" while it
  // has focus (GOV.UK Frontend's skip link).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".skip-link");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    reveal(target);
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

  // Reader preferences: each fieldset names its cookie, its class on <html> and its default
  // (reader/prefs.py). A choice applies at once, is remembered for a year, and leaves focus where
  // it is; nothing reloads the page.
  function choose(group, value) {
    var prefix = group.getAttribute("data-class-prefix");
    Array.prototype.slice.call(root.classList).forEach(function (c) {
      if (c.indexOf(prefix) === 0) root.classList.remove(c);
    });
    root.classList.add(prefix + value);
  }

  var form = document.getElementById("reader-settings");
  if (form) {
    form.classList.add("is-instant");
    form.addEventListener("change", function (event) {
      var input = event.target;
      var group = input.closest && input.closest("fieldset[data-cookie]");
      if (input.type !== "radio" || !group) return;
      choose(group, input.value);
      document.cookie = group.getAttribute("data-cookie") + "=" + input.value + "; path=/; max-age=" +
        YEAR + "; samesite=lax" + secure;
      // Keep the whole option in view (arrowing through them on a small screen), not just its radio.
      var option = input.closest(".option") || input;
      if (option.scrollIntoView) option.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
    // Choices already apply: Enter on an option, or Apply, must not reload the page (3.2.2).
    // "Reset display settings" is done here too.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      if (!submitter || submitter.name !== "reset") return;
      Array.prototype.forEach.call(form.querySelectorAll(".panel fieldset[data-cookie]"), function (group) {
        var value = group.getAttribute("data-default");
        choose(group, value);
        var input = group.querySelector("input[value='" + value + "']");
        if (input) input.checked = true;
        document.cookie = group.getAttribute("data-cookie") + "=; path=/; max-age=0; samesite=lax" + secure;
      });
      announce(submitter.getAttribute("data-done"));
    });
  }

  // The audio edition: a choice of speed, shown only where it can work (it needs the script).
  Array.prototype.forEach.call(document.querySelectorAll(".listen"), function (section) {
    var player = section.querySelector("audio");
    var speeds = section.querySelector("fieldset.speed");
    if (!player || !speeds) return;
    speeds.hidden = false;
    speeds.addEventListener("change", function (event) {
      var rate = parseFloat(event.target.value);
      if (rate > 0) {
        player.defaultPlaybackRate = rate;
        player.playbackRate = rate;
      }
    });
  });

  // "Copy link": where the page can copy, the link becomes a button that copies the address and
  // says so, to the eye for a few seconds and to screen readers; when the browser refuses, it
  // says that instead. Without JavaScript or the Clipboard API it stays a plain link to this page.
  if (navigator.clipboard) {
    Array.prototype.forEach.call(document.querySelectorAll("a.copy-link"), function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      button.textContent = link.textContent;
      ["data-copied", "data-refused"].forEach(function (name) {
        button.setAttribute(name, link.getAttribute(name));
      });
      button.setAttribute("data-url", link.href);
      link.parentNode.replaceChild(button, link);
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button.copy-link");
      if (!button) return;
      var note = button.parentNode.querySelector(".copy-note");
      if (!note) {
        note = document.createElement("span");
        note.className = "copy-note";
        note.setAttribute("aria-hidden", "true"); // the announcer says it once to screen readers
        button.parentNode.appendChild(note);
      }
      function say(text) {
        note.textContent = text;
        announce(text);
        window.clearTimeout(note.timer);
        note.timer = window.setTimeout(function () { note.textContent = ""; }, 6000);
      }
      navigator.clipboard.writeText(button.getAttribute("data-url")).then(function () {
        say(button.getAttribute("data-copied"));
      }, function () {
        say(button.getAttribute("data-refused"));
      });
    });
  }
})();
