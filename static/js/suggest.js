/* The type-ahead of the search boxes (SPEC §11): suggestions from /search/suggest/ as an ARIA
 * combobox. The boxes are plain GET forms and work fully without this script. */
(function () {
    "use strict";
    var DELAY = 150;

    function setup(input) {
        var url = input.getAttribute("data-suggest");
        var list = document.createElement("ul");
        var status = document.createElement("p");
        var items = [];
        var active = -1;
        var timer = null;
        var asked = "";
        list.id = input.id + "-suggestions";
        list.className = "suggest";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", "搜索建议");
        list.hidden = true;
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-controls", list.id);
        input.setAttribute("aria-expanded", "false");
        input.parentNode.appendChild(list);
        input.parentNode.appendChild(status);

        function close() {
            list.hidden = true;
            active = -1;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
        }

        function highlight(index) {
            items.forEach(function (li, i) {
                li.setAttribute("aria-selected", i === index ? "true" : "false");
            });
            active = index;
            if (index >= 0) {
                input.setAttribute("aria-activedescendant", items[index].id);
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function show(suggestions) {
            list.textContent = "";
            items = suggestions.map(function (s, i) {
                var li = document.createElement("li");
                var link = document.createElement("a");
                var kind = document.createElement("span");
                li.id = list.id + "-" + i;
                li.setAttribute("role", "option");
                li.setAttribute("aria-selected", "false");
                link.href = s.url;
                link.tabIndex = -1;
                link.textContent = s.title;
                kind.className = "suggest__kind";
                kind.textContent = s.band ? s.kind + " · " + s.band : s.kind;
                link.appendChild(kind);
                li.appendChild(link);
                list.appendChild(li);
                return li;
            });
            status.textContent = suggestions.length ? "有 " + suggestions.length + " 条建议，用上下方向键选择。" : "";
            if (suggestions.length) {
                list.hidden = false;
                input.setAttribute("aria-expanded", "true");
                highlight(-1);
            } else {
                close();
            }
        }

        function ask() {
            var query = input.value.trim();
            if (query === asked) { return; }
            asked = query;
            if (!query) { show([]); return; }
            fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
                .then(function (response) { return response.ok ? response.json() : []; })
                .then(function (suggestions) { if (query === asked) { show(suggestions); } })
                .catch(function () { show([]); });
        }

        input.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(ask, DELAY);
        });
        input.addEventListener("keydown", function (event) {
            if (list.hidden || !items.length) { return; }
            if (event.key === "ArrowDown") {
                event.preventDefault();
                highlight((active + 1) % items.length);
            } else if (event.key === "ArrowUp") {
                event.preventDefault();
                highlight(active <= 0 ? items.length - 1 : active - 1);
            } else if (event.key === "Enter" && active >= 0) {
                event.preventDefault();
                window.location.assign(items[active].querySelector("a").href);
            } else if (event.key === "Escape") {
                close();
            }
        });
        input.addEventListener("blur", function () {
            setTimeout(close, 200); // a click on a suggestion lands first
        });
    }

    document.querySelectorAll("input[data-suggest]").forEach(setup);
})();
