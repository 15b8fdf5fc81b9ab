// The running total of an order form: the typed quantities times the unit prices the server
// rendered (data-price, in cents), the fees of the chosen pickup point or zone, what the buyer's
// open order for that delivery (point or zone, and day) holds, and what is missing to reach its
// minimum. Amounts are written like the server writes them (fr-CA, en-CA).
// Without JavaScript the box stays hidden and the server still checks everything.
(function () {
  "use strict";
  var box = document.getElementById("running-total");
  var form = box && box.closest("form");
  if (!form) {
    return;
  }
  var lang = box.getAttribute("data-lang");

  // Thousands grouped, like halles_web::i18n::I18n::money.
  function money(cents) {
    var sign = cents < 0 ? "-" : "";
    var abs = Math.abs(cents);
    var whole = String(Math.floor(abs / 100));
    var rest = String(abs % 100);
    if (rest.length < 2) {
      rest = "0" + rest;
    }
    var sep = lang === "fr" ? "\u202f" : ",";
    var grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    return lang === "fr" ? sign + grouped + "," + rest + "\u00a0$" : sign + "$" + grouped + "." + rest;
  }

  // Thousandths of the sale unit, like halles_core::quantity::Qty::parse_input; null if unreadable.
  function thousandths(text) {
    var t = text.trim().replace(",", ".");
    var m = /^(\d*)(?:\.(\d{0,3}))?$/.exec(t);
    if (!t || !m) {
      return null;
    }
    return Number(m[1] || "0") * 1000 + Number((m[2] || "").padEnd(3, "0") || "0");
  }

  function attr(el, name) {
    return Number((el && el.getAttribute(name)) || "0");
  }

  // What the buyer's open order for the chosen delivery already holds: `el`'s data-open lists
  // each delivery day's amount ("2026-12-10:1152 2026-12-11:0").
  function openOn(el, day) {
    var cents = 0;
    ((el && el.getAttribute("data-open")) || "").split(" ").forEach(function (pair) {
      var p = pair.split(":");
      if (p[0] === day) {
        cents = Number(p[1]) || 0;
      }
    });
    return cents;
  }

  function say(key, values) {
    var text = box.getAttribute("data-t-" + key) || "";
    Object.keys(values).forEach(function (k) {
      text = text.split("{" + k + "}").join(values[k]);
    });
    return text;
  }

  function show(key, text) {
    var el = box.querySelector('[data-cart="' + key + '"]');
    if (el) {
      el.textContent = text;
    }
    return el;
  }

  function update() {
    var lines = 0;
    form.querySelectorAll("[data-price]").forEach(function (el) {
      var input = el.matches("input") ? el : el.querySelector('input[name^="qty_"]');
      var q = input ? thousandths(input.value) : null;
      if (q) {
        // Rounded once, half away from zero (the amounts are positive).
        lines += Math.floor((attr(el, "data-price") * q + 500) / 1000);
      }
    });
    var select = form.querySelector("#f-location");
    var place = select ? select.options[select.selectedIndex] : null;
    var days = form.querySelector("#f-delivery_day");
    var day = days ? days.value : box.getAttribute("data-day");
    var open = openOn(place || box, day);
    var fees = attr(box, "data-order-fee") + attr(place, "data-fee");
    var min = attr(place, "data-min");
    show("lines", say("lines", { amount: money(lines) }));
    show("open", open > 0 ? say("open", { amount: money(open) }) : "");
    show("fees", fees > 0 ? say("fees", { amount: money(fees) }) : "");
    show("total", say("total", { amount: money(open + lines + fees) }));
    var missing = min - open - lines;
    var minimum = show("minimum", min <= 0 ? "" : missing > 0
      ? say("below", { missing: money(missing), min: money(min) })
      : say("reached", { min: money(min) }));
    minimum.classList.toggle("below", missing > 0 && min > 0);
    box.hidden = false;
    var bar = document.getElementById("cart-bar");
    if (bar) {
      var total = box.querySelector('[data-cart="total"]').textContent;
      bar.textContent = minimum.textContent ? total + " · " + minimum.textContent : total;
      bar.hidden = false;
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
