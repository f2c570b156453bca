/* A chat button for a campaign site: <script src="https://BOT/widget.js" defer></script>.
   It opens the chat page of the server it came from in a frame; the site needs to be listed
   in KEPUBOT_WEB_EMBED_ORIGINS for the page to agree to be framed. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = new URL(script.src).origin;
  var label = script.getAttribute("data-label") || "科普日问答";

  function style(node, rules) {
    for (var name in rules) node.style[name] = rules[name];
  }

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-label", label);
  style(button, {
    position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483000",
    border: "0", borderRadius: "24px", padding: "12px 18px", fontSize: "16px",
    background: "#0b62c9", color: "#fff", boxShadow: "0 2px 8px rgba(0,0,0,.25)",
    cursor: "pointer",
  });

  var frame = null;
  button.addEventListener("click", function () {
    if (frame) {
      frame.hidden = !frame.hidden;
      return;
    }
    frame = document.createElement("iframe");
    frame.src = base + "/chat";
    frame.title = label;
    frame.setAttribute("referrerpolicy", "no-referrer");
    style(frame, {
      position: "fixed", right: "12px", bottom: "72px", zIndex: "2147483000",
      width: "min(380px, calc(100vw - 24px))", height: "min(640px, calc(100vh - 96px))",
      border: "0", borderRadius: "14px", boxShadow: "0 4px 16px rgba(0,0,0,.3)",
      background: "#fff",
    });
    document.body.appendChild(frame);
  });
  document.body.appendChild(button);
})();
