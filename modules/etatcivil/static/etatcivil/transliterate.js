/*
 * Suggests a Latin transliteration of Arabic names, Moroccan French style (محمد → Mohamed, العلوي → El Alaoui).
 *
 * The Arabic names are authoritative; the Latin ones are the agent's to decide. So the suggestion never
 * overwrites anything: it is shown under the Latin field and as its placeholder, and the "Suggest" button copies
 * it only into an EMPTY field. Common names come from a small dictionary; other words from a letter map that
 * guesses short vowels (Arabic script does not write them), so a suggestion is a starting point, not a rule.
 *
 * No dependency, no network. window.jamaaTransliterate(text) is exposed for the browser tests.
 */
(function () {
  "use strict";

  // Whole words (and a few two-word names), in their usual Moroccan civil-registry spelling.
  var WORDS = {
    "محمد": "Mohamed", "أحمد": "Ahmed", "احمد": "Ahmed", "محمود": "Mahmoud", "مصطفى": "Mustapha",
    "يوسف": "Youssef", "علي": "Ali", "عمر": "Omar", "عثمان": "Othmane", "حسن": "Hassan", "حسين": "Houssine",
    "الحسن": "El Hassan", "الحسين": "El Houssine", "إبراهيم": "Ibrahim", "ابراهيم": "Brahim", "إسماعيل": "Ismail",
    "اسماعيل": "Ismail", "إدريس": "Driss", "ادريس": "Driss", "رشيد": "Rachid", "سعيد": "Said", "كريم": "Karim",
    "خالد": "Khalid", "هشام": "Hicham", "ياسين": "Yassine", "أيوب": "Ayoub", "ايوب": "Ayoub", "أمين": "Amine",
    "امين": "Amine", "مهدي": "Mehdi", "المهدي": "El Mehdi", "حمزة": "Hamza", "بلال": "Bilal", "نبيل": "Nabil",
    "جمال": "Jamal", "عادل": "Adil", "طارق": "Tarik", "زكرياء": "Zakaria", "زكريا": "Zakaria", "أنس": "Anas",
    "انس": "Anas", "آدم": "Adam", "ادم": "Adam", "سفيان": "Soufiane", "نور": "Nour", "الدين": "Eddine",
    "فاطمة": "Fatima", "فاطمه": "Fatima", "خديجة": "Khadija", "عائشة": "Aicha", "عايشة": "Aicha",
    "مريم": "Meryem", "زينب": "Zineb", "سارة": "Sara", "ساره": "Sara", "نعيمة": "Naima", "سعاد": "Souad",
    "لطيفة": "Latifa", "حليمة": "Halima", "أمينة": "Amina", "امينة": "Amina", "نادية": "Nadia", "سلمى": "Salma",
    "هدى": "Houda", "إيمان": "Imane", "ايمان": "Imane", "ليلى": "Leila", "رقية": "Rkia", "يامنة": "Yamna",
    "العلوي": "El Alaoui", "الإدريسي": "El Idrissi", "الادريسي": "El Idrissi", "الفاسي": "El Fassi",
    "التازي": "Tazi", "بناني": "Bennani", "بنيس": "Bennis", "برادة": "Berrada", "السقاط": "Sekkat",
    "الشرقاوي": "Cherkaoui", "الودغيري": "Ouadghiri", "العمراني": "El Amrani", "المريني": "El Merini",
    "الصقلي": "Sqalli", "الكتاني": "El Kettani", "الوزاني": "Ouazzani", "الحسني": "El Hassani",
    "الزياني": "Zayani", "المنصوري": "El Mansouri", "الأندلسي": "El Andaloussi", "بنجلون": "Benjelloun",
    "بنكيران": "Benkirane", "الطاهري": "Taheri", "الغزاوي": "Ghazaoui", "الرباطي": "Rbati",
    "فاس": "Fès", "مكناس": "Meknès", "صفرو": "Sefrou", "الرباط": "Rabat", "سلا": "Salé", "مراكش": "Marrakech",
    "طنجة": "Tanger", "تازة": "Taza", "وجدة": "Oujda", "أكادير": "Agadir", "اكادير": "Agadir",
    "الدار البيضاء": "Casablanca", "عبد الله": "Abdellah", "عبدالله": "Abdellah", "عبد الرحمن": "Abderrahmane",
    "عبد الرحيم": "Abderrahim", "عبد القادر": "Abdelkader", "عبد العزيز": "Abdelaziz", "عبد اللطيف": "Abdellatif",
    "عبد الكريم": "Abdelkrim", "عبد السلام": "Abdeslam", "عبد الحق": "Abdelhak", "عبد المجيد": "Abdelmajid",
    "عبد الإله": "Abdelilah", "عبد الاله": "Abdelilah", "عبد الرزاق": "Abderrazak", "عبد الحميد": "Abdelhamid",
    "عبد الغني": "Abdelghani", "عبد الواحد": "Abdelouahed", "عبد الصمد": "Abdessamad", "عبد الهادي": "Abdelhadi",
    "نور الدين": "Noureddine", "عز الدين": "Azzeddine", "صلاح الدين": "Salaheddine", "بن": "Ben", "ابن": "Ibn",
    "بنت": "Bent", "ولد": "Ould", "أولاد": "Ouled", "اولاد": "Ouled", "آيت": "Aït", "ايت": "Aït",
    "مولاي": "Moulay", "سيدي": "Sidi", "لالة": "Lalla", "للا": "Lalla"
  };

  // Consonants and the letters read as vowels (ا و ي ع…). "V" marks a vowel sound.
  var LETTERS = {
    "ا": ["a", "V"], "أ": ["a", "V"], "إ": ["i", "V"], "آ": ["a", "V"], "ٱ": ["a", "V"], "ى": ["a", "V"],
    "ة": ["a", "V"], "ع": ["a", "V"], "ئ": ["i", "V"], "ؤ": ["ou", "V"], "ء": ["", "V"],
    "ب": ["b", "C"], "ت": ["t", "C"], "ث": ["t", "C"], "ج": ["j", "C"], "ح": ["h", "C"], "خ": ["kh", "C"],
    "د": ["d", "C"], "ذ": ["d", "C"], "ر": ["r", "C"], "ز": ["z", "C"], "س": ["s", "C"], "ش": ["ch", "C"],
    "ص": ["s", "C"], "ض": ["d", "C"], "ط": ["t", "C"], "ظ": ["d", "C"], "غ": ["gh", "C"], "ف": ["f", "C"],
    "ق": ["k", "C"], "ك": ["k", "C"], "ل": ["l", "C"], "م": ["m", "C"], "ن": ["n", "C"], "ه": ["h", "C"],
    "گ": ["g", "C"], "ڭ": ["g", "C"], "ڤ": ["v", "C"], "پ": ["p", "C"]
  };
  var MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u0640]/g; // tashkeel and tatweel

  function capitalize(word) {
    return word ? word.charAt(0).toUpperCase() + word.slice(1) : word;
  }

  // One word by the letter map: long vowels as written, an "a" guessed between two consonants.
  function byLetters(word) {
    var units = [];
    var chars = Array.from(word);
    chars.forEach(function (ch, i) {
      var last = i === chars.length - 1;
      if (ch === "و") {
        var prev = units.length ? units[units.length - 1] : null;
        // -awi (Alaoui, Cherkaoui): و after a consonant and before a final ي
        if (prev && prev[1] === "C" && chars[i + 1] === "ي" && i + 2 === chars.length) {
          units.push(["aou", "V"]);
        } else {
          units.push(["ou", "V"]);
        }
      } else if (ch === "ي") {
        units.push(i === 0 ? ["y", "C"] : ["i", "V"]);
      } else if (ch === "ه" && last && i > 0) {
        units.push(["a", "V"]); // feminine ending written ه
      } else if (LETTERS[ch]) {
        units.push(LETTERS[ch]);
      }
    });
    var out = "";
    var inserted = false;
    units.forEach(function (unit, i) {
      out += unit[0];
      var next = units[i + 1];
      var atEnd = i + 2 === units.length;
      if (unit[1] === "C" && next && next[1] === "C" && (!inserted || atEnd)) {
        out += "a";
        inserted = true;
      } else {
        inserted = false;
      }
    });
    return out.replace(/([aeiou])s([aeiou])/g, "$1ss$2"); // French: a single s between vowels sounds z
  }

  function oneWord(word) {
    if (WORDS[word]) {
      return WORDS[word];
    }
    if (word.length > 3 && word.indexOf("ال") === 0) {
      var rest = word.slice(2);
      return "El " + capitalize(WORDS[rest] || byLetters(rest));
    }
    return capitalize(byLetters(word));
  }

  function transliterate(text) {
    var words = String(text || "").replace(MARKS, "").trim().split(/\s+/).filter(Boolean);
    var out = [];
    for (var i = 0; i < words.length; i++) {
      var pair = i + 1 < words.length ? words[i] + " " + words[i + 1] : "";
      if (pair && WORDS[pair]) {
        out.push(WORDS[pair]);
        i++;
      } else if (words[i] === "عبد" && i + 1 < words.length) {
        var name = words[i + 1].indexOf("ال") === 0 ? "el" + byLetters(words[i + 1].slice(2)) : byLetters(words[i + 1]);
        out.push("Abd" + name);
        i++;
      } else {
        out.push(oneWord(words[i]));
      }
    }
    return out.join(" ");
  }

  window.jamaaTransliterate = transliterate;

  function wire(button) {
    var target = document.getElementById(button.getAttribute("data-translit-target"));
    var source = document.getElementById(button.getAttribute("data-translit-source"));
    var hint = document.getElementById(button.getAttribute("data-translit-target") + "_suggestion");
    if (!target || !source) {
      return;
    }
    function refresh() {
      var suggestion = transliterate(source.value);
      target.placeholder = suggestion;
      button.disabled = !suggestion || target.value.trim() !== "";
      button.setAttribute("data-suggestion", suggestion);
      if (hint) {
        hint.textContent = suggestion && target.value.trim() !== suggestion
          ? hint.getAttribute("data-suggestion-label") + " " + suggestion
          : "";
      }
    }
    button.hidden = false;
    source.addEventListener("input", refresh);
    target.addEventListener("input", refresh);
    button.addEventListener("click", function () {
      // Only into an empty field: never overwrite what the agent typed.
      if (target.value.trim() === "" && button.getAttribute("data-suggestion")) {
        target.value = button.getAttribute("data-suggestion");
        target.dispatchEvent(new Event("input", { bubbles: true }));
      }
      target.focus();
    });
    refresh();
  }

  // Fields that only matter for one value of another field (the judgment's references, a death act's link to
  // the birth act) are hidden otherwise; without this script they simply stay visible.
  function wireShowWhen(element) {
    var rule = element.getAttribute("data-show-when").split("=");
    var control = document.getElementById("id_" + rule[0]);
    if (!control) {
      return;
    }
    function refresh() {
      element.hidden = control.value !== rule[1];
    }
    control.addEventListener("change", refresh);
    refresh();
  }

  function init() {
    document.querySelectorAll("[data-translit-target]").forEach(wire);
    document.querySelectorAll("[data-show-when]").forEach(wireShowWhen);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
