/* The web chat: every text from the server is shown with textContent, never as HTML. */
(function () {
  "use strict";

  var SESSION_KEY = "kepubot.session";
  var memorySession = null;

  function randomKey() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* The visitor's session lives in this browser's storage, never in a cookie: another site
     cannot send it along. Without storage (a blocked frame) it lasts as long as the page. */
  function session() {
    try {
      var kept = window.localStorage.getItem(SESSION_KEY);
      if (kept && /^[A-Za-z0-9_-]{16,128}$/.test(kept)) return kept;
      kept = randomKey();
      window.localStorage.setItem(SESSION_KEY, kept);
      return kept;
    } catch (e) {
      memorySession = memorySession || randomKey();
      return memorySession;
    }
  }

  function api(method, path, body) {
    var options = {
      method: method,
      credentials: "omit",
      headers: { "X-Kepubot-Session": session() },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "网络有点问题，请稍后再试。");
        return data;
      });
    }, function () {
      throw new Error("网络有点问题，请稍后再试。");
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  var messages, suggestions, questionInput, askButton;

  function say(role, text) {
    var node = el("div", "msg " + role, text);
    messages.appendChild(node);
    node.scrollIntoView({ block: "end" });
    return node;
  }

  function offer(questions) {
    suggestions.textContent = "";
    (questions || []).forEach(function (question) {
      var button = el("button", "suggestion", question);
      button.type = "button";
      button.addEventListener("click", function () { ask(question); });
      suggestions.appendChild(button);
    });
  }

  function ask(question) {
    question = (question || "").trim();
    if (!question) return;
    say("user", question);
    questionInput.value = "";
    askButton.disabled = true;
    api("POST", "/api/ask", { question: question, session: session() })
      .then(function (data) {
        say("bot", data.answer);
        offer(data.suggestions);
      })
      .catch(function (error) { say("error", error.message); })
      .then(function () { askButton.disabled = false; questionInput.focus(); });
  }

  function showEvents() {
    var list = document.getElementById("events");
    var empty = document.getElementById("events-empty");
    api("GET", "/api/events").then(function (data) {
      list.textContent = "";
      document.getElementById("events-title").textContent = "今日活动（" + data.date + "）";
      empty.hidden = !data.empty;
      empty.textContent = data.empty || "";
      data.events.forEach(function (event) {
        var card = el("article", "card");
        card.appendChild(el("h3", "", event.title));
        var meta = [event.time, event.place, event.audience].filter(Boolean).join(" · ");
        card.appendChild(el("p", "meta", meta));
        if (event.description) card.appendChild(el("p", "desc", event.description));
        if (event.url) {
          var link = el("a", "", "详情");
          link.href = event.url;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          card.appendChild(link);
        }
        list.appendChild(card);
      });
    }).catch(function (error) {
      empty.hidden = false;
      empty.textContent = error.message;
    });
  }

  function showMine() {
    var list = document.getElementById("mine");
    api("GET", "/api/mine").then(function (data) {
      list.textContent = "";
      if (!data.submissions.length) list.appendChild(el("li", "", "还没有投稿。"));
      data.submissions.forEach(function (item) {
        var line = item.platform + "《" + item.title + "》— " + item.status_label;
        if (item.reason) line += "\n理由：" + item.reason;
        var node = el("li", "status-" + item.status, line);
        list.appendChild(node);
      });
    }).catch(function () {});
  }

  function submitVideo(form) {
    var result = document.getElementById("submit-result");
    var button = document.getElementById("submit-button");
    button.disabled = true;
    api("POST", "/api/submit", {
      session: session(),
      link: form.link.value,
      title: form.title.value,
      contact: form.contact.value,
      request: randomKey(),
    }).then(function (data) {
      result.textContent = data.message;
      if (data.accepted) form.reset();
      showMine();
    }).catch(function (error) {
      result.textContent = error.message;
    }).then(function () { button.disabled = false; });
  }

  function selectTab(button) {
    document.querySelectorAll(".tabs button").forEach(function (tab) {
      var selected = tab === button;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      document.getElementById(tab.dataset.panel).hidden = !selected;
    });
    if (button.id === "tab-events") showEvents();
    if (button.id === "tab-submit") showMine();
  }

  document.addEventListener("DOMContentLoaded", function () {
    messages = document.getElementById("messages");
    suggestions = document.getElementById("suggestions");
    questionInput = document.getElementById("question");
    askButton = document.getElementById("ask-button");
    document.querySelectorAll(".tabs button").forEach(function (tab) {
      tab.addEventListener("click", function () { selectTab(tab); });
    });
    document.getElementById("ask-form").addEventListener("submit", function (event) {
      event.preventDefault();
      ask(questionInput.value);
    });
    document.getElementById("submit-form").addEventListener("submit", function (event) {
      event.preventDefault();
      submitVideo(event.target);
    });
    api("GET", "/api/start").then(function (data) {
      say("bot", data.welcome);
      offer(data.suggestions);
      document.getElementById("submit-accepts").textContent = data.accepts;
      document.body.dataset.ready = "true";
    }).catch(function (error) {
      say("error", error.message);
      document.body.dataset.ready = "true";
    });
  });
})();
