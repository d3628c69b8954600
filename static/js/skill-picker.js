// The skill picker (careerboard/widgets.py, templates/careerboard/_skill_picker.html). Without
// this script it is a select and an Add button that posts the form and comes back. With it the
// select becomes a box that filters the skills as one types (Up and Down move, Enter picks,
// Escape closes the list), and skills are added and removed in place, without a page load.
(function () {
  "use strict";

  function folded(value) {
    return (value || "").toLocaleLowerCase().trim();
  }

  function Picker(root) {
    this.root = root;
    this.form = root.closest("form");
    this.select = root.querySelector("[data-picker-select]");
    this.rows = root.querySelector("[data-picker-rows]");
    this.empty = root.querySelector("[data-picker-empty]");
    this.status = root.querySelector("[data-picker-status]");
    this.template = root.querySelector("[data-picker-template]");
    this.level = root.querySelector("[data-picker-level]");
    this.years = root.querySelector("[data-picker-years]");
    this.defaultLevel = this.level ? this.level.value : "";
    this.skills = [];
    Array.prototype.forEach.call(this.select.options, function (option) {
      if (option.value) {
        this.skills.push({
          id: option.value,
          name: option.text,
          group: option.parentNode.label || "",
          words: folded(option.text + ", " + (option.getAttribute("data-aliases") || "")),
        });
      }
    }, this);
    this.shown = [];
    this.active = -1;
    this.build();
  }

  Picker.prototype.build = function () {
    var input = document.createElement("input");
    var list = document.createElement("ul");
    var combo = document.createElement("div");
    var hint = this.root.querySelector("[data-picker-hint]");
    // The box takes the select's id, so that its label and the error summary's link find it.
    input.id = this.select.id;
    this.select.id += "-select";
    this.select.hidden = true;
    input.type = "text";
    input.className = "picker-search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    list.id = input.id + "-options";
    list.className = "picker-options";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    input.setAttribute("aria-controls", list.id);
    list.setAttribute("aria-label", "Matching skills");
    if (hint) {
      hint.hidden = false;
      input.setAttribute("aria-describedby", hint.id);
    }
    combo.className = "picker-combo";
    combo.appendChild(input);
    combo.appendChild(list);
    this.select.parentNode.insertBefore(combo, this.select.nextSibling);
    this.input = input;
    this.list = list;

    input.addEventListener("input", this.typed.bind(this));
    input.addEventListener("keydown", this.keyed.bind(this));
    input.addEventListener("click", this.filter.bind(this));
    input.addEventListener("blur", this.close.bind(this));
    // Pressing on an option must not take the focus from the box before the click picks it.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", this.clicked.bind(this));
    this.root.querySelector("[data-picker-add]").addEventListener("click", this.added.bind(this));
    this.rows.addEventListener("click", this.removed.bind(this));
    [this.level, this.years].forEach(function (field) {
      if (field) {
        field.addEventListener("keydown", this.addOnEnter.bind(this));
      }
    }, this);
  };

  // Skills chosen anywhere in the form (a job's required and nice-to-have skills exclude each other).
  Picker.prototype.taken = function () {
    var ids = {};
    this.form.querySelectorAll("[data-picker-row]").forEach(function (row) {
      ids[row.getAttribute("data-picker-row")] = true;
    });
    return ids;
  };

  Picker.prototype.matching = function (query) {
    var taken = this.taken();
    var words = folded(query);
    var found = this.skills.filter(function (skill) {
      return !taken[skill.id] && skill.words.indexOf(words) !== -1;
    });
    if (words) {
      // Names that begin with what was typed come first; the rest keep the list's order.
      found = found.filter(function (skill) {
        return folded(skill.name).indexOf(words) === 0;
      }).concat(found.filter(function (skill) {
        return folded(skill.name).indexOf(words) !== 0;
      }));
    }
    return found;
  };

  Picker.prototype.filter = function () {
    var query = this.input.value;
    this.shown = this.matching(query);
    this.list.textContent = "";
    this.shown.forEach(function (skill) {
      var option = document.createElement("li");
      var group = document.createElement("span");
      option.id = this.list.id + "-" + skill.id;
      option.className = "picker-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-skill", skill.id);
      option.textContent = skill.name;
      group.className = "picker-option-group";
      group.setAttribute("aria-hidden", "true");
      group.textContent = skill.group;
      option.appendChild(document.createTextNode(" "));
      option.appendChild(group);
      this.list.appendChild(option);
    }, this);
    if (!this.shown.length) {
      this.close();
      this.say(folded(query) ? "No skill matches “" + query.trim() + "”." : "Every skill is chosen.");
      return;
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.activate(folded(query) ? 0 : -1);
  };

  Picker.prototype.activate = function (index) {
    var options = this.list.children;
    if (this.active >= 0 && options[this.active]) {
      options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = index;
    if (index < 0) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    options[index].setAttribute("aria-selected", "true");
    options[index].scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", options[index].id);
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Picker.prototype.typed = function () {
    // What is typed no longer names the skill picked before.
    this.select.value = "";
    this.filter();
  };

  Picker.prototype.keyed = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        this.filter();
      }
      if (this.shown.length) {
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = this.active < 0 && step < 0 ? this.shown.length - 1 : this.active + step;
        this.activate(Math.min(Math.max(next, 0), this.shown.length - 1));
      }
    } else if (event.key === "Enter") {
      // Enter picks; it never sends the form from this box.
      event.preventDefault();
      var skill = open && this.active >= 0 ? this.shown[this.active] : this.named(this.input.value);
      if (skill) {
        this.pick(skill);
      } else {
        this.filter();
      }
    } else if (event.key === "Escape" && (open || this.input.value)) {
      event.preventDefault();
      if (open) {
        this.close();
      } else {
        this.input.value = "";
        this.select.value = "";
      }
    }
  };

  Picker.prototype.clicked = function (event) {
    var option = event.target.closest("[data-skill]");
    if (option) {
      this.pick(this.find(option.getAttribute("data-skill")));
    }
  };

  Picker.prototype.find = function (id) {
    return this.skills.filter(function (skill) {
      return skill.id === id;
    })[0];
  };

  // The skill whose name (whatever its case) is exactly what was typed.
  Picker.prototype.named = function (typed) {
    return this.matching(typed).filter(function (skill) {
      return folded(skill.name) === folded(typed);
    })[0];
  };

  // A picked skill is added at once, unless the picker asks for a level: then the level is next.
  Picker.prototype.pick = function (skill) {
    this.close();
    if (!this.level) {
      this.add(skill, "", "");
      this.input.value = "";
      this.input.focus();
      return;
    }
    this.select.value = skill.id;
    this.input.value = skill.name;
    this.say(skill.name + " chosen: set its level and years, then Add.");
    this.level.focus();
  };

  Picker.prototype.added = function (event) {
    event.preventDefault();
    var skill = this.find(this.select.value) || this.named(this.input.value);
    if (!skill || this.taken()[skill.id]) {
      this.say(skill ? skill.name + " is already chosen." : "Choose a skill from the list first.");
      this.input.focus();
      return;
    }
    this.add(skill, this.level ? this.level.value : "", this.years ? this.years.value : "");
    this.input.value = "";
    this.select.value = "";
    if (this.level) {
      this.level.value = this.defaultLevel;
      this.years.value = "";
    }
    this.input.focus();
  };

  Picker.prototype.addOnEnter = function (event) {
    if (event.key === "Enter") {
      this.added(event);
    }
  };

  Picker.prototype.add = function (skill, level, years) {
    var fragment = this.template.content.cloneNode(true);
    fragment.querySelectorAll("*").forEach(function (element) {
      Array.prototype.forEach.call(element.attributes, function (attribute) {
        attribute.value = attribute.value.split("__skill__").join(skill.id);
      });
    });
    fragment.querySelectorAll("[data-picker-name]").forEach(function (element) {
      element.textContent = skill.name;
    });
    var row = fragment.firstElementChild;
    var levelField = row.querySelector("select");
    var yearsField = row.querySelector("input[type='number']");
    if (levelField && level) {
      levelField.value = level;
    }
    if (yearsField) {
      yearsField.value = years;
    }
    this.rows.appendChild(row);
    this.empty.hidden = true;
    this.dropErrors();
    this.say(skill.name + " added" + (level ? " at level " + level : "") + ".");
  };

  // The errors shown were about the skills as last posted, which have changed since.
  Picker.prototype.dropErrors = function () {
    var errors = document.getElementById(this.input.id + "_error");
    if (!errors) {
      return;
    }
    document.querySelectorAll("[aria-describedby~='" + errors.id + "']").forEach(function (field) {
      var others = field.getAttribute("aria-describedby").split(" ").filter(function (id) {
        return id && id !== errors.id;
      });
      if (others.length) {
        field.setAttribute("aria-describedby", others.join(" "));
      } else {
        field.removeAttribute("aria-describedby");
      }
    });
    errors.remove();
  };

  Picker.prototype.removed = function (event) {
    var button = event.target.closest("[data-picker-remove]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var row = button.closest("[data-picker-row]");
    var next = row.nextElementSibling || row.previousElementSibling;
    var name = row.querySelector("[data-picker-name]").textContent;
    row.remove();
    this.empty.hidden = this.rows.children.length > 0;
    (next ? next.querySelector("[data-picker-remove]") : this.input).focus();
    this.say(name + " removed.");
  };

  // Said by the live region; emptied first, so that the same words twice are said twice.
  Picker.prototype.say = function (message) {
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  };

  document.querySelectorAll("[data-skill-picker]").forEach(function (root) {
    return new Picker(root);
  });
})();
