// The speaking-time countdown: the server renders the time left (or over) when it sends the list;
// this counts it on each second from the element's data attributes. Elements swapped in by htmx
// are picked up on the next tick. Loaded once however many lists a page includes.
(function () {
  "use strict";
  if (window.consensusCountdown) {
    return;
  }
  window.consensusCountdown = true;

  function clock(seconds) {
    var s = Math.abs(seconds);
    var rest = s % 60;
    return Math.floor(s / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function words(element, key, seconds) {
    return (element.getAttribute("data-words-" + key) || "{clock}").replace("{clock}", clock(seconds));
  }

  function tick() {
    var now = Date.now();
    var timers = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < timers.length; i++) {
      var element = timers[i];
      if (element.consensusStart === undefined) {
        // When the server rendered it: elapsed seconds then, counted from now.
        element.consensusStart = now - Number(element.getAttribute("data-elapsed") || 0) * 1000;
      }
      var elapsed = Math.floor((now - element.consensusStart) / 1000);
      var remaining = element.getAttribute("data-remaining");
      var text;
      if (remaining === null) {
        text = words(element, "elapsed", elapsed);
      } else {
        var left = Number(remaining) + Number(element.getAttribute("data-elapsed") || 0) - elapsed;
        var over = left < 0;
        element.classList.toggle("countdown--over", over);
        // "Over time" is said in words (and marked), never by colour alone.
        text = over ? "\u26a0 " + words(element, "over", left) : words(element, "left", left);
      }
      if (element.textContent !== text) {
        element.textContent = text;
      }
    }
  }

  tick();
  window.setInterval(tick, 1000);
})();
