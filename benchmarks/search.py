"""Name search over a commune's civil registry: 1,000,000 acts, 200 queries typed the way agents type them.

Creates (or reuses) the commune `bench-search` through `commune_create`, generates acts with realistic Moroccan
names (≈130 male and ≈110 female given names, ≈2,000 family names, Zipf-like: Mohamed, Fatima, El Alaoui,
Bennani are very common), written with the spelling drift of real registers (Mohamed/Mohammed/Mhamed,
El Alaoui/Elalaoui/Alaoui, ou/w, ch/sh, dj/j, Ben/Ibn, Aït, titles, أ/إ/ا, ة/ه, ى/ي, tashkeel, tatweel, a few
keying errors, Latin names missing on 15% of the acts before 1980), parents' names, years 1950–2024, births and
deaths. Loads them with COPY, builds the search indexes and the name dictionary after the load (timed: the
figures a bulk import of a legacy register pays), then runs the queries through `search_acts()`.

Queries: a random act (uniform: common names are queried as often as they occur), its name written again with a
fresh spelling variant in Latin or Arabic (half each, some family name first), a quarter with one typo. The agent
at the counter adds what a citizen is asked (father's first name, then the year, then the mother's first name)
only while more than 5 acts carry exactly that person's name and details: a query that cannot tell the act apart
from its namesakes measures the workload, not the engine. Some queries get a year range or a kind anyway.
recall@20 = the intended act is among the first 20 hits. Latency: `search_acts()` end to end, after 20 warm-up
queries.

    DATABASE_URL=… .venv/bin/python benchmarks/search.py [--acts 1000000] [--queries 200] [--seed 1]
        [--query-seed N]  other queries over the same acts (held-out checks; default: --seed)
        [--reuse]   keep the loaded commune if it holds the same acts (same --acts and --seed): no reload
        [--drop]    remove the commune at the end (it is kept by default, for --reuse)
        [--quick]   2,000 acts, 20 queries, commune dropped: a check that it runs (CI), not a measure

Last line: {"acts": …, "p50_ms": …, "p95_ms": …, "recall_at_20": …, "index_build_s": …, "index_mb": …}
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import statistics
import sys
import time
import zlib
from array import array
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import _setup

_setup.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jamaa.modules.etatcivil import search  # noqa: E402
from jamaa.modules.etatcivil.models import Bureau, Register  # noqa: E402
from jamaa.platform import db_guards  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402
from jamaa.tenants.models import Commune  # noqa: E402

SLUG = "bench-search"
GENERATOR_VERSION = 2  # bump when the generated acts change: --reuse then reloads
SCHEMA = "bench_search"
YEARS = range(1950, 2025)

# ------------------------------------------------------------------------------------------------------ names
# (Latin as most often written, Arabic, other Latin spellings seen in registers)
MALE: list[tuple[str, str, tuple[str, ...]]] = [
    ("Mohamed", "محمد", ("Mohammed", "Mohamad", "Muhammad", "Mohammad", "Mouhamed", "Med")),
    ("Ahmed", "أحمد", ("Ahmad",)),
    ("Mohamed Amine", "محمد أمين", ("Med Amine", "Mohammed Amine", "Mohamed-Amine")),
    ("Abdelkader", "عبد القادر", ("Abdelkadir", "Abd El Kader", "Abdel Kader")),
    ("Mustapha", "مصطفى", ("Mostafa", "Moustapha", "Mustafa")),
    ("Hassan", "حسن", ("Hasan", "Hassane")),
    ("Youssef", "يوسف", ("Youcef", "Yousef", "Yusuf")),
    ("Rachid", "رشيد", ("Rashid",)),
    ("Said", "سعيد", ("Saïd", "Saaid")),
    ("Brahim", "إبراهيم", ("Ibrahim", "Ibrahime")),
    ("Abdellah", "عبد الله", ("Abdallah", "Abdullah", "Abd Allah")),
    ("Omar", "عمر", ("Omer", "Umar")),
    ("Ali", "علي", ("Aly",)),
    ("Driss", "إدريس", ("Idriss", "Idris")),
    ("Khalid", "خالد", ("Khaled",)),
    ("Hamid", "حميد", ("Hamide",)),
    ("Abderrahim", "عبد الرحيم", ("Abderrahime", "Abdurrahim", "Abd Errahim")),
    ("Mhamed", "امحمد", ("M'hamed", "Mhammed")),
    ("Karim", "كريم", ("Kareem",)),
    ("Hicham", "هشام", ("Hisham",)),
    ("Abdelaziz", "عبد العزيز", ("Abdelaaziz", "Abd El Aziz")),
    ("Noureddine", "نور الدين", ("Nour Eddine", "Nourdine", "Nour-Eddine")),
    ("Jamal", "جمال", ("Djamal",)),
    ("Mehdi", "المهدي", ("El Mehdi", "Mahdi")),
    ("Yassine", "ياسين", ("Yacine", "Yasine")),
    ("Amine", "أمين", ("Amin",)),
    ("Hamza", "حمزة", ("Hamsa",)),
    ("Zakaria", "زكرياء", ("Zakariya", "Zakariae")),
    ("Ayoub", "أيوب", ("Ayoube",)),
    ("Othmane", "عثمان", ("Otmane", "Osmane", "Outhmane")),
    ("Soufiane", "سفيان", ("Sofiane", "Soufyane")),
    ("Adil", "عادل", ("Adel",)),
    ("Abdelhak", "عبد الحق", ("Abdelhaq",)),
    ("Abdelali", "عبد العالي", ("Abdelaali",)),
    ("Abdelilah", "عبد الإله", ("Abdelillah",)),
    ("Abdelmajid", "عبد المجيد", ("Abdelmjid",)),
    ("Abdelhamid", "عبد الحميد", ("Abdelhamide",)),
    ("Abdelkrim", "عبد الكريم", ("Abdelkarim",)),
    ("Abdellatif", "عبد اللطيف", ("Abdelatif",)),
    ("Abdeslam", "عبد السلام", ("Abdesslam", "Abdessalam")),
    ("Abdelghani", "عبد الغني", ("Abdelghany",)),
    ("Abdelouahed", "عبد الواحد", ("Abdelwahed",)),
    ("Abdelmalek", "عبد المالك", ("Abdelmalik",)),
    ("Abdessamad", "عبد الصمد", ("Abdessamade",)),
    ("Abdelfattah", "عبد الفتاح", ("Abdelfettah",)),
    ("Abdeljalil", "عبد الجليل", ("Abdeljalile",)),
    ("Abdelhadi", "عبد الهادي", ("Abdelhady",)),
    ("Abdelouahab", "عبد الوهاب", ("Abdelwahab",)),
    ("Abdelmounaim", "عبد المنعم", ("Abdelmonaim",)),
    ("Abdelhafid", "عبد الحفيظ", ("Abdelhafide",)),
    ("Abdelkbir", "عبد الكبير", ("Abdelkebir",)),
    ("Salaheddine", "صلاح الدين", ("Salah Eddine", "Salahdine")),
    ("Badreddine", "بدر الدين", ("Badr Eddine",)),
    ("Azzeddine", "عز الدين", ("Azeddine", "Izz Eddine")),
    ("Jamaleddine", "جمال الدين", ("Jamal Eddine",)),
    ("Kamal", "كمال", ("Kamel",)),
    ("Anas", "أنس", ("Annas",)),
    ("Bilal", "بلال", ("Bilale",)),
    ("Tarik", "طارق", ("Tariq", "Tarek")),
    ("Younes", "يونس", ("Younis", "Yunes")),
    ("Ilyas", "إلياس", ("Ilias", "Elyas")),
    ("Reda", "رضا", ("Rida",)),
    ("Taha", "طه", ("Tahaa",)),
    ("Walid", "وليد", ("Oualid",)),
    ("Hakim", "حكيم", ("Hakime",)),
    ("Mourad", "مراد", ("Morad", "Murad")),
    ("Samir", "سمير", ("Samire",)),
    ("Lahcen", "لحسن", ("Lahsen", "Lahssen")),
    ("Lhoussaine", "الحسين", ("Houssine", "El Houssaine", "Lahoucine")),
    ("Mbarek", "امبارك", ("M'barek", "Embarek")),
    ("Larbi", "العربي", ("El Arbi", "Larabi")),
    ("Miloud", "ميلود", ("Miloude",)),
    ("Jilali", "الجيلالي", ("Djilali", "El Jilali")),
    ("Bouchaib", "بوشعيب", ("Bouchaïb", "Bouchaaib")),
    ("Allal", "علال", ("Alal",)),
    ("Kaddour", "قدور", ("Kadour", "Qaddour")),
    ("Maati", "المعطي", ("El Maati",)),
    ("Hammou", "حمو", ("Hamou",)),
    ("Aissa", "عيسى", ("Aïssa", "Issa")),
    ("Moussa", "موسى", ("Moussaa", "Mousa")),
    ("Haddou", "حدو", ("Hadou",)),
    ("Salah", "صالح", ("Saleh",)),
    ("Saad", "سعد", ("Saâd",)),
    ("Fouad", "فؤاد", ("Fouade",)),
    ("Mahmoud", "محمود", ("Mahmud",)),
    ("Tayeb", "الطيب", ("Taieb", "Et-Tayeb")),
    ("Boubker", "بوبكر", ("Boubaker",)),
    ("Chakib", "شكيب", ("Chakibe",)),
    ("Hafid", "حفيظ", ("Hafide",)),
    ("Mounir", "منير", ("Mounire",)),
    ("Najib", "نجيب", ("Nagib",)),
    ("Mohcine", "محسن", ("Mohsine", "Mohsin")),
    ("Zouhair", "زهير", ("Zouheir", "Zuhair")),
    ("Anouar", "أنور", ("Anwar",)),
    ("Faical", "فيصل", ("Faiçal", "Faysal")),
    ("Marouane", "مروان", ("Marwan", "Marouan")),
    ("Achraf", "أشرف", ("Ashraf",)),
    ("Ismail", "إسماعيل", ("Smail", "Ismaïl")),
    ("Issam", "عصام", ("Essam",)),
    ("Jawad", "جواد", ("Jaouad",)),
    ("Hatim", "حاتم", ("Hatem",)),
    ("Imad", "عماد", ("Imade",)),
    ("Nizar", "نزار", ("Nizare",)),
    ("Oussama", "أسامة", ("Ossama", "Usama")),
    ("Rayane", "ريان", ("Rayan",)),
    ("Adam", "آدم", ("Adame",)),
    ("Sami", "سامي", ("Samy",)),
    ("Amir", "أمير", ("Amire",)),
    ("Ayman", "أيمن", ("Aymane",)),
    ("Khalil", "خليل", ("Khalile",)),
    ("Fahd", "فهد", ("Fahad",)),
    ("Redouane", "رضوان", ("Ridouane", "Radouane")),
    ("Lotfi", "لطفي", ("Lutfi",)),
    ("Taoufik", "توفيق", ("Tawfik", "Toufik")),
    ("Mouad", "معاذ", ("Moad",)),
    ("Wassim", "وسيم", ("Ouassim",)),
    ("Yahya", "يحيى", ("Yahia",)),
    ("Ziad", "زياد", ("Zyad",)),
    ("Yasser", "ياسر", ("Yassir",)),
    ("Thami", "التهامي", ("Touhami", "Et-Thami")),
    ("Abbas", "عباس", ("Abass",)),
    ("Hachem", "هاشم", ("Hachim", "Hashem")),
    ("Mokhtar", "المختار", ("El Mokhtar", "Mukhtar")),
    ("Bouazza", "بوعزة", ("Bouaza",)),
    ("Kacem", "قاسم", ("Kassem", "Qasim")),
    ("Slimane", "سليمان", ("Sliman", "Soulaimane")),
    ("Daoud", "داود", ("Dawud",)),
    ("Seddik", "الصديق", ("Sadik", "Es-Seddik")),
    ("Lahbib", "الحبيب", ("El Habib", "Habib")),
    ("Ghali", "غالي", ("Ghaly",)),
]
FEMALE: list[tuple[str, str, tuple[str, ...]]] = [
    ("Fatima", "فاطمة", ("Fatma", "Fatimah", "Fattouma")),
    ("Khadija", "خديجة", ("Khadidja", "Khadiija")),
    ("Fatima Zahra", "فاطمة الزهراء", ("Fatima-Zahra", "Fatima Ezzahra", "Fatimazahra", "Fatim Zahra")),
    ("Aicha", "عائشة", ("Aïcha", "Aisha", "Aycha")),
    ("Zineb", "زينب", ("Zaynab", "Zainab")),
    ("Meryem", "مريم", ("Maryam", "Mariam", "Meriem")),
    ("Malika", "مليكة", ("Maleka",)),
    ("Naima", "نعيمة", ("Naïma", "Naaima")),
    ("Rachida", "رشيدة", ("Rashida",)),
    ("Saida", "سعيدة", ("Saïda",)),
    ("Karima", "كريمة", ("Kareema",)),
    ("Latifa", "لطيفة", ("Latefa",)),
    ("Hafsa", "حفصة", ("Hafssa",)),
    ("Amina", "أمينة", ("Aminah",)),
    ("Hanane", "حنان", ("Hanan",)),
    ("Nadia", "نادية", ("Nadya",)),
    ("Samira", "سميرة", ("Samirah",)),
    ("Souad", "سعاد", ("Souade", "Suad")),
    ("Hayat", "حياة", ("Hayate",)),
    ("Nezha", "نزهة", ("Nazha",)),
    ("Zohra", "الزهرة", ("Zahra", "Ezzohra")),
    ("Fouzia", "فوزية", ("Fawzia",)),
    ("Khaddouj", "خدوج", ("Khadouj",)),
    ("Mina", "مينة", ("Mina",)),
    ("Yamna", "يامنة", ("Yamina",)),
    ("Itto", "إيطو", ("Ito",)),
    ("Touria", "ثريا", ("Thouria", "Turia")),
    ("Najat", "نجاة", ("Najate",)),
    ("Bouchra", "بشرى", ("Bushra",)),
    ("Houda", "هدى", ("Huda",)),
    ("Imane", "إيمان", ("Iman", "Imene")),
    ("Asmae", "أسماء", ("Asmaa", "Asma")),
    ("Wafae", "وفاء", ("Wafaa", "Ouafae")),
    ("Hasnae", "حسناء", ("Hasnaa", "Hasna")),
    ("Sanae", "سناء", ("Sanaa", "Sana")),
    ("Salma", "سلمى", ("Selma",)),
    ("Sara", "سارة", ("Sarah",)),
    ("Hiba", "هبة", ("Hibah",)),
    ("Chaimae", "شيماء", ("Chaymae", "Chaimaa", "Shaimaa")),
    ("Oumaima", "أميمة", ("Oumayma", "Omaima")),
    ("Ikram", "إكرام", ("Ikrame",)),
    ("Loubna", "لبنى", ("Lubna",)),
    ("Siham", "سهام", ("Sihame",)),
    ("Ilham", "إلهام", ("Ilhame",)),
    ("Nawal", "نوال", ("Naoual",)),
    ("Laila", "ليلى", ("Leila", "Layla")),
    ("Ghizlane", "غزلان", ("Ghizlan", "Ghislane")),
    ("Soukaina", "سكينة", ("Soukayna", "Sokaina")),
    ("Kaoutar", "كوثر", ("Kawtar", "Kaouthar")),
    ("Yasmine", "ياسمين", ("Yasmina", "Jasmine")),
    ("Nour", "نور", ("Nor",)),
    ("Rim", "ريم", ("Reem",)),
    ("Aya", "آية", ("Ayah",)),
    ("Malak", "ملاك", ("Malake",)),
    ("Douae", "دعاء", ("Doua", "Douaa")),
    ("Safae", "صفاء", ("Safaa",)),
    ("Hajar", "هاجر", ("Hajare",)),
    ("Jamila", "جميلة", ("Djamila",)),
    ("Habiba", "حبيبة", ("Habibah",)),
    ("Rkia", "رقية", ("Rquia", "Roukaya")),
    ("Mbarka", "مباركة", ("M'barka",)),
    ("Fadma", "فاضمة", ("Fadema",)),
    ("Aziza", "عزيزة", ("Azziza",)),
    ("Halima", "حليمة", ("Halimah",)),
    ("Hadda", "حادة", ("Hada",)),
    ("Kenza", "كنزة", ("Kenzah",)),
    ("Lamia", "لمياء", ("Lamiae", "Lamyae")),
    ("Mouna", "منى", ("Mona", "Muna")),
    ("Nisrine", "نسرين", ("Nesrine",)),
    ("Dounia", "دنيا", ("Donia", "Dunia")),
    ("Btissam", "ابتسام", ("Ibtissam", "Ibtissame")),
    ("Widad", "وداد", ("Ouidad",)),
    ("Sabah", "صباح", ("Sabah",)),
    ("Samia", "سامية", ("Samiya",)),
    ("Rabia", "ربيعة", ("Rabiaa",)),
    ("Zakia", "زكية", ("Zakiya",)),
    ("Hakima", "حكيمة", ("Hakimah",)),
    ("Nabila", "نبيلة", ("Nabilah",)),
    ("Houria", "حورية", ("Hourya",)),
    ("Saadia", "سعدية", ("Saâdia",)),
    ("Fatiha", "فتيحة", ("Fatihah",)),
    ("Raja", "رجاء", ("Rajae", "Rajaa")),
    ("Amal", "أمل", ("Amale",)),
    ("Majda", "ماجدة", ("Magda",)),
    ("Hind", "هند", ("Hinde",)),
    ("Khaoula", "خولة", ("Khawla",)),
    ("Rania", "رانية", ("Ranya",)),
    ("Inass", "إيناس", ("Inas", "Ines")),
    ("Nada", "ندى", ("Nadaa",)),
    ("Sofia", "صوفيا", ("Sophia",)),
    ("Lina", "لينا", ("Lyna",)),
    ("Israe", "إسراء", ("Israa",)),
    ("Manal", "منال", ("Manale",)),
    ("Ouiam", "وئام", ("Wiam",)),
    ("Salima", "سليمة", ("Selima",)),
    ("Jihane", "جيهان", ("Jihan",)),
    ("Keltoum", "كلثوم", ("Kaltoum", "Kalthoum")),
    ("Zoubida", "زبيدة", ("Zoubaida",)),
    ("Mimouna", "ميمونة", ("Mimona",)),
    ("Fadila", "فضيلة", ("Fadela",)),
    ("Rahma", "رحمة", ("Rahmah",)),
    ("Ghita", "غيتة", ("Ghyta",)),
    ("Hanae", "هناء", ("Hanaa",)),
    ("Maroua", "مروة", ("Marwa",)),
    ("Yousra", "يسرى", ("Youssra", "Yusra")),
    ("Salwa", "سلوى", ("Saloua",)),
    ("Wiame", "وئام", ("Wiam",)),
]
# Family names as written most often ("El " marks the article), Arabic.
# fmt: off
FAMILY_REAL: list[tuple[str, str]] = [
    ("El Alaoui", "العلوي"), ("El Idrissi", "الإدريسي"), ("Bennani", "بناني"), ("Tazi", "التازي"),
    ("El Fassi", "الفاسي"), ("Berrada", "برادة"), ("Ben Jelloun", "بن جلون"), ("Chraibi", "الشرايبي"),
    ("Sqalli", "الصقلي"), ("Kettani", "الكتاني"), ("Lahlou", "لحلو"), ("Benkirane", "بنكيران"),
    ("Guessous", "كسوس"), ("Bennis", "بنيس"), ("Tahiri", "الطاهري"), ("Cherkaoui", "الشرقاوي"),
    ("El Amrani", "العمراني"), ("El Hassani", "الحسني"), ("Naciri", "الناصري"), ("Ouazzani", "الوزاني"),
    ("Slaoui", "السلاوي"), ("Sefrioui", "الصفريوي"), ("Mernissi", "المرنيسي"), ("Iraqi", "العراقي"),
    ("Filali", "الفيلالي"), ("Ziani", "الزياني"), ("El Ouafi", "الوافي"), ("Benslimane", "بنسليمان"),
    ("El Khatib", "الخطيب"), ("Lazrak", "الأزرق"), ("Bensouda", "بنسودة"), ("Benabdallah", "بنعبد الله"),
    ("Lamrani", "العمراني"), ("Kadiri", "القادري"), ("Hajji", "الحجي"), ("El Harti", "الحارثي"),
    ("Mansouri", "المنصوري"), ("El Ouardi", "الوردي"), ("Bouzidi", "البوزيدي"), ("Jabri", "الجابري"),
    ("Rahmouni", "الرحموني"), ("Chaoui", "الشاوي"), ("Bakkali", "البقالي"), ("Lamghari", "المغاري"),
    ("Kabbaj", "القباج"), ("Tounsi", "التونسي"), ("El Andaloussi", "الأندلسي"), ("Skalli", "السقلي"),
    ("Benchekroun", "بنشقرون"), ("Benjelloun Touimi", "بن جلون التويمي"), ("Alami", "العلمي"),
    ("El Yacoubi", "اليعقوبي"), ("Bouhlal", "بوهلال"), ("Boukhari", "البخاري"), ("Zniber", "زنيبر"),
    ("Lahbabi", "الحبابي"), ("Bouayad", "بوعياد"), ("Benmoussa", "بنموسى"), ("Benomar", "بنعمر"),
    ("El Malki", "المالكي"), ("Nejjar", "النجار"), ("Haddad", "الحداد"), ("Khayat", "الخياط"),
    ("Attar", "العطار"), ("Fekkak", "الفكاك"), ("Sebti", "السبتي"), ("Zerhouni", "الزرهوني"),
    ("Benhima", "بنهيمة"), ("Belghiti", "البلغيتي"), ("Tadili", "التادلي"), ("Rifai", "الرفاعي"),
    ("El Baz", "الباز"), ("Ghazi", "الغازي"), ("El Ouali", "الوالي"), ("Essaidi", "السعيدي"),
    ("Ettaoussi", "الطاوسي"), ("Ennaciri", "الناصيري"), ("Eddaoudi", "الداودي"), ("Errami", "الرامي"),
    ("Ezzahraoui", "الزهراوي"), ("Echchafai", "الشافعي"), ("Bouzoubaa", "بوزوبع"), ("Laraki", "العراقي"),
    ("Benali", "بنعلي"), ("Benaissa", "بنعيسى"), ("Chami", "الشامي"), ("El Guerrouj", "الكروج"),
    ("Ouahbi", "الوهبي"), ("Chakir", "شاكر"), ("Bourkia", "بورقية"), ("Zouiten", "الزويتن"),
    ("Hammoumi", "الحمومي"), ("Sbai", "السباعي"), ("Jettou", "جطو"), ("Akhannouch", "أخنوش"), ("Tamek", "تامك"),
    ("Oufkir", "أوفقير"), ("Amzil", "أمزيل"), ("Ouchen", "أوشن"), ("Aboulfadl", "أبو الفضل"),
    ("Boutaleb", "بوطالب"), ("El Ghazouani", "الغزواني"), ("Daoudi", "الداودي"), ("Kharbouch", "خربوش"),
    ("Lyoussi", "اليوسي"), ("Zemmouri", "الزموري"), ("Marrakchi", "المراكشي"), ("Rbati", "الرباطي"),
    ("Meknassi", "المكناسي"), ("Tanjaoui", "الطنجاوي"), ("Tetouani", "التطواني"), ("Soussi", "السوسي"),
    ("Doukkali", "الدكالي"), ("Rifi", "الريفي"), ("Sahraoui", "الصحراوي"), ("Tadlaoui", "التادلاوي"),
    ("Haouzi", "الحوزي"), ("Oujdi", "الوجدي"), ("Chefchaouni", "الشفشاوني"), ("Jadidi", "الجديدي"),
    ("Kenitri", "القنيطري"), ("Laraichi", "العرائشي"), ("Figuigui", "الفكيكي"), ("Draoui", "الدرعاوي"),
    ("Zerouali", "الزروالي"), ("Ghiati", "الغياثي"), ("Hayani", "الحياني"), ("Ismaili", "الإسماعيلي"),
    ("Kaitouni", "القيطوني"), ("Houssaini", "الحسيني"), ("Wahbi", "الوهبي"), ("El Moutawakil", "المتوكل"),
    ("Ben Chekroun", "بن شقرون"), ("Tijani", "التيجاني"), ("Kandoussi", "القندوسي"), ("El Hachimi", "الهاشمي"),
    ("El Mokri", "المقري"), ("Ouarzazi", "الورزازي"), ("Lamalif", "لامليف"),
]
# fmt: on
SUN_LETTERS = "tdrzsnl"


@dataclass(frozen=True)
class Name:
    latin: str
    arabic: str
    variants: tuple[str, ...] = ()
    male: bool = True


@dataclass
class Names:
    male: list[Name]
    female: list[Name]
    family: list[Name]
    male_cum: list[float] = field(default_factory=list)
    female_cum: list[float] = field(default_factory=list)
    family_cum: list[float] = field(default_factory=list)


def _zipf(n: int, offset: float, s: float) -> list[float]:
    return list(accumulate(1.0 / (r + offset) ** s for r in range(1, n + 1)))


def _nisba_lat(latin: str) -> str:
    base = latin.split()[-1]
    if base.endswith("e"):
        base = base[:-1]
    if base.endswith(("a", "ou")):
        return base + "oui" if base.endswith("a") else base + "i"
    return base + "i"


def _nisba_ar(arabic: str) -> str:
    base = arabic.split()[-1]
    base = base.removeprefix("ال")
    if base.endswith(("ة", "ى", "ا", "ء")):
        base = base[:-1]
    return "ال" + base + "ي"


def build_names(rng: random.Random) -> Names:
    """≈130 male and ≈110 female given names; ≈2,000 family names built like real ones."""
    male = [Name(lat, ar, var, True) for lat, ar, var in MALE]
    female = [Name(lat, ar, var, False) for lat, ar, var in FEMALE]
    family: dict[str, Name] = {}

    def add(latin: str, arabic: str) -> None:
        if arabic not in family:
            family[arabic] = Name(latin, arabic)

    for lat, ar in FAMILY_REAL:
        add(lat, ar)
    singles = [n for n in male if " " not in n.arabic]
    for n in singles:  # Ben Ahmed, Aït Brahim, El Hassani, Bouali
        add(f"Ben {n.latin}", f"بن {n.arabic}")
        add(f"Ait {n.latin}", f"آيت {n.arabic.removeprefix('ال')}")
        add(f"El {_nisba_lat(n.latin)}", _nisba_ar(n.arabic))
        add(f"Bou{n.latin.lower()}", f"بو{n.arabic.removeprefix('ال')}")
    base = [Name(lat, ar) for lat, ar in FAMILY_REAL if " " not in ar and not lat.startswith("Ben ")]
    while len(family) < 2000:  # double-barrelled names of old families: Alaoui Ismaili, Idrissi Kaitouni
        a, b = rng.sample(base, 2)
        add(f"{a.latin} {b.latin.removeprefix('El ')}", f"{a.arabic} {b.arabic}")
    fam = list(family.values())
    head, tail = fam[: len(FAMILY_REAL)], fam[len(FAMILY_REAL) :]
    rng.shuffle(tail)
    rest = head[40:] + tail
    rng.shuffle(rest)
    fam = head[:40] + rest  # the best known names are the most frequent
    names = Names(male, female, fam)
    names.male_cum = _zipf(len(male), 1.0, 1.0)
    names.female_cum = _zipf(len(female), 1.0, 1.0)
    names.family_cum = _zipf(len(fam), 5.0, 0.9)
    return names


def pick(rng: random.Random, cum: list[float]) -> int:
    return bisect(cum, rng.random() * cum[-1])


# --------------------------------------------------------------------------------------------- spelling drift

LAT_TYPO_LETTERS = "abcdefghijklmnopqrstuvwxyz"
AR_TYPO_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def typo(rng: random.Random, word: str, letters: str) -> str:
    """One keying error: a letter replaced, dropped, doubled or inserted, or two neighbours swapped."""
    idx = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(idx) < 3:
        return word
    i = rng.choice(idx[1:])  # agents rarely miss the first letter
    op = rng.random()
    if op < 0.3:
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    if op < 0.55:
        return word[:i] + word[i + 1 :]
    if op < 0.75 and i + 1 < len(word) and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op < 0.88:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(letters) + word[i:]


def drift_lat(rng: random.Random, latin: str, p: float) -> str:
    """Maghrebi-French spelling drift, each rule with probability p."""
    s = latin
    r = rng.random
    if r() < p:
        s = s.replace("ou", "w", 1) if "ou" in s[1:] and r() < 0.5 else s.replace("ou", "u", 1)
    if r() < p:
        s = s.replace("ch", "sh") if r() < 0.7 else s
    if r() < p:
        s = s.replace("j", "dj", 1) if "dj" not in s else s.replace("dj", "j")
    if r() < p:
        for single, double in (("s", "ss"), ("l", "ll"), ("m", "mm"), ("d", "dd"), ("n", "nn"), ("r", "rr")):
            if double in s:
                s = s.replace(double, single, 1)
                break
            i = s.find(single, 1)
            if 0 < i < len(s) - 1 and s[i - 1] in "aeiou" and s[i + 1] in "aeiou":
                s = s[:i] + double + s[i + 1 :]
                break
    if r() < p:
        if s.endswith("e") and len(s) > 4:
            s = s[:-1]
        elif s[-1:] in "nlmdr":
            s = s + "e"
    if r() < p / 2:
        s = s.replace("e", "a", 1) if r() < 0.5 else s.replace("i", "y", 1)
    if r() < p / 2:
        s = s.replace("k", "q", 1) if r() < 0.5 else s.replace("ai", "aï", 1)
    return s


def article_lat(rng: random.Random, latin: str) -> str:
    """El Alaoui / Elalaoui / Alaoui / Al-Alaoui; Ben Jelloun / Benjelloun / Ibn Jelloun; Aït / Ait."""
    words = latin.split(" ", 1)
    if len(words) == 2 and words[0] == "El":
        rest = words[1]
        sun = rest[0].lower() in SUN_LETTERS and rest[:2].lower() != "ch"
        forms = [f"El {rest}", f"El-{rest}", f"El{rest.lower()}", rest, f"Al {rest}", f"Al-{rest}"]
        weights = [45, 10, 10, 25, 5, 5]
        if sun:
            forms.append(f"E{rest[0].lower()}-{rest}")
            weights.append(10)
        return rng.choices(forms, weights)[0]
    if len(words) == 2 and words[0] == "Ben":
        rest = words[1]
        return rng.choices([latin, f"Ben{rest.lower()}", f"Ibn {rest}", f"Ben-{rest}"], [50, 30, 10, 10])[0]
    if len(words) == 2 and words[0] == "Ait":
        rest = words[1]
        return rng.choices([latin, f"Aït {rest}", f"Ait-{rest}", f"Aït-{rest}"], [50, 25, 15, 10])[0]
    return latin


FIXED_WORDS = ("el", "al", "ben", "ibn", "ait", "aït", "abd", "abdel", "bou", "es", "et", "ed", "en", "er", "ez")


def latin_spelling(rng: random.Random, name: Name, p: float) -> str:
    """A spelling a registrar or a citizen would write (particles and "Abd" do not drift: no "Ele", "Abde")."""
    base = name.latin if not name.variants or rng.random() < 0.55 else rng.choice(name.variants)

    def drift(word: str) -> str:
        return "-".join(w if w.lower() in FIXED_WORDS else drift_lat(rng, w, p) for w in word.split("-"))

    spelled = " ".join(drift(w) for w in article_lat(rng, base).split(" "))
    if rng.random() < 0.1:
        spelled = spelled.upper()
    return spelled


AR_MARKS = "\u064e\u064f\u0650\u0651\u0652\u064b"


def arabic_spelling(rng: random.Random, arabic: str, p: float) -> str:
    """Legacy Arabic drift: hamza on alef dropped or added, ة/ه, ى/ي, tashkeel, tatweel, spaces in compounds."""
    words = arabic.split()
    out = []
    for w in words:
        if w[0] in "أإآ" and rng.random() < 3 * p:
            w = "ا" + w[1:]
        elif w.startswith("ال") and len(w) > 3 and w[2] in "أإ" and rng.random() < 3 * p:
            w = "الا" + w[3:]
        elif w[0] == "ا" and rng.random() < p / 2:
            w = rng.choice("أإ") + w[1:]
        if w.endswith("ة") and rng.random() < 2 * p:
            w = w[:-1] + "ه"
        if w.endswith("ى") and rng.random() < 2 * p:
            w = w[:-1] + "ي"
        elif w.endswith("ي") and rng.random() < p:
            w = w[:-1] + "ى"
        if rng.random() < p / 2:
            i = rng.randrange(1, len(w))
            w = w[:i] + rng.choice(AR_MARKS) + w[i:]
        if rng.random() < p / 4 and len(w) > 3:
            i = rng.randrange(1, len(w) - 1)
            w = w[:i] + "ـ" + w[i:]
        out.append(w)
    text = " ".join(out)
    if ("عبد ال" in text or text.startswith("بن ")) and rng.random() < 2 * p:
        text = text.replace("عبد ال", "عبدال").replace("بن ", "بن", 1)
    return text


def titled(rng: random.Random, latin: str, arabic: str, male: bool) -> tuple[str, str]:
    """Titles inside names (forbidden by 36-21, present in legacy registers)."""
    if rng.random() < 0.03:
        if male:
            t_lat, t_ar = rng.choice([("Moulay", "مولاي"), ("Sidi", "سيدي")])
        else:
            t_lat, t_ar = "Lalla", "لالة"
        return f"{t_lat} {latin}" if latin else latin, f"{t_ar} {arabic}"
    return latin, arabic


# ------------------------------------------------------------------------------------------------------- acts


@dataclass
class Dataset:
    """What each generated act is, beyond its text: the people behind the spellings (for the queries)."""

    given: array[int] = field(default_factory=lambda: array("i"))
    family: array[int] = field(default_factory=lambda: array("i"))
    father: array[int] = field(default_factory=lambda: array("i"))  # father's given name, -1 unknown
    mother: array[int] = field(default_factory=lambda: array("i"))
    year: array[int] = field(default_factory=lambda: array("h"))
    kind: array[int] = field(default_factory=lambda: array("b"))  # 0 birth, 1 death
    male: array[int] = field(default_factory=lambda: array("b"))


class Generator:
    def __init__(self, seed: int, acts: int) -> None:
        self.rng = random.Random(seed)
        self.names = build_names(random.Random(seed + 1))
        self.acts = acts
        years = list(YEARS)
        self.years = years
        self.year_cum = list(accumulate(1.0 + (y - years[0]) / 25 for y in years))
        self.data = Dataset()
        # Each name is written with a finite set of spellings in a register, the usual one most often.
        self._lat_pool: dict[tuple[str, int], list[str]] = {}
        self._ar_pool: dict[tuple[str, int], list[str]] = {}

    def lat(self, kind: str, i: int, name: Name) -> str:
        pool = self._lat_pool.get((kind, i))
        if pool is None:
            prng = random.Random(zlib.crc32(f"{kind}:{i}:lat".encode()))
            pool = [name.latin if kind != "family" else article_lat(prng, name.latin)]
            pool += [latin_spelling(prng, name, 0.25) for _ in range(11)]
            self._lat_pool[(kind, i)] = pool
        rng = self.rng
        spelled = pool[0] if rng.random() < 0.5 else rng.choice(pool)
        if rng.random() < 0.005:  # keying error in the register
            spelled = typo(rng, spelled, LAT_TYPO_LETTERS)
        return spelled

    def ar(self, kind: str, i: int, name: Name) -> str:
        pool = self._ar_pool.get((kind, i))
        if pool is None:
            prng = random.Random(zlib.crc32(f"{kind}:{i}:ar".encode()))
            pool = [name.arabic] + [arabic_spelling(prng, name.arabic, 0.1) for _ in range(5)]
            self._ar_pool[(kind, i)] = pool
        rng = self.rng
        spelled = pool[0] if rng.random() < 0.7 else rng.choice(pool)
        if rng.random() < 0.003:
            spelled = typo(rng, spelled, AR_TYPO_LETTERS)
        return spelled

    def rows(self) -> Iterator[dict[str, Any]]:
        rng, names, d = self.rng, self.names, self.data
        for _n in range(self.acts):
            male = rng.random() < 0.51
            gi = pick(rng, names.male_cum if male else names.female_cum)
            given = (names.male if male else names.female)[gi]
            fi = pick(rng, names.family_cum)
            fam = names.family[fi]
            year = self.years[bisect(self.year_cum, rng.random() * self.year_cum[-1])]
            kind = 1 if rng.random() < 0.2 else 0
            gkind = "male" if male else "female"
            g_ar, f_ar = self.ar(gkind, gi, given), self.ar("family", fi, fam)
            g_fr, f_fr = self.lat(gkind, gi, given), self.lat("family", fi, fam)
            if rng.random() < (0.15 if year < 1980 else 0.02):  # Latin names never keyed in
                g_fr = f_fr = ""
            g_fr, g_ar = titled(rng, g_fr, g_ar, male)
            no_parents = rng.random() < (0.3 if kind else 0.03)
            fa = -1 if no_parents else pick(rng, names.male_cum)
            mo = -1 if no_parents or rng.random() < 0.02 else pick(rng, names.female_cum)
            father_ar = father_fr = mother_ar = mother_fr = ""
            if fa >= 0:
                father_ar = f"{self.ar('male', fa, names.male[fa])} {f_ar}"
                father_fr = f"{self.lat('male', fa, names.male[fa])} {f_fr}" if f_fr else ""
            if mo >= 0:
                mf = pick(rng, names.family_cum)
                mother_ar = f"{self.ar('female', mo, names.female[mo])} {self.ar('family', mf, names.family[mf])}"
                if g_fr:
                    mother_fr = f"{self.lat('female', mo, names.female[mo])} {self.lat('family', mf, names.family[mf])}"
            d.given.append(gi)
            d.family.append(fi)
            d.father.append(fa)
            d.mother.append(mo)
            d.year.append(year)
            d.kind.append(kind)
            d.male.append(1 if male else 0)
            yield {
                "year": year,
                "kind": "death" if kind else "birth",
                "sex": "M" if male else "F",
                "given_name_ar": g_ar,
                "family_name_ar": f_ar,
                "given_name_fr": g_fr,
                "family_name_fr": f_fr,
                "father_name_ar": father_ar,
                "father_name_fr": father_fr,
                "mother_name_ar": mother_ar,
                "mother_name_fr": mother_fr,
            }

    def generate_only(self) -> None:
        for _row in self.rows():
            pass


# ----------------------------------------------------------------------------------------------------- loading


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def act_columns(cursor: Any) -> list[tuple[str, str, bool, bool]]:
    """(name, type, nullable, has default) of etatcivil_act in the current schema."""
    cursor.execute(
        "SELECT column_name, data_type, is_nullable = 'YES', column_default IS NOT NULL"
        " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'etatcivil_act'"
        " ORDER BY ordinal_position"
    )
    return [(str(a), str(b), bool(c), bool(d)) for a, b, c, d in cursor.fetchall()]


def search_index_names(cursor: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The act's secondary indexes (not backing a constraint): (name, definition), the search ones first."""
    cursor.execute(
        """
        SELECT ic.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = 'etatcivil_act'::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY ic.relname
        """
    )
    rows = [(str(a), str(b)) for a, b in cursor.fetchall()]
    wanted = ("etatcivil_act_names_ar", "etatcivil_act_names_lat")
    return [r for r in rows if r[0] in wanted], [r for r in rows if r[0] not in wanted]


@dataclass
class LoadReport:
    load_s: float = 0.0
    index_build_s: float = 0.0
    other_indexes_s: float = 0.0
    dictionary_s: float = 0.0
    dictionary_keys: int = 0


def load(gen: Generator, user_id: int) -> LoadReport:
    report = LoadReport()
    keys_cache: dict[tuple[str, str, str, str], search.NameKeys] = {}
    with connection.cursor() as cursor:
        search_idx, other_idx = search_index_names(cursor)
        for name, _ddl in search_idx + other_idx:
            cursor.execute(f'DROP INDEX "{name}"')
        # Historical numbers written directly, as the legacy import writes them (owner role, then sealed).
        with transaction.atomic():
            db_guards.bulk_import_begin()
            bureaux = [
                Bureau.objects.create(code=code, name_ar=ar, name_fr=fr)
                for code, ar, fr in (("B1", "المكتب المركزي", "Bureau central"), ("B2", "الملحقة", "Annexe"))
            ]
            registers: dict[tuple[int, str, int], Register] = {}
            for b in bureaux:
                for kind in ("birth", "death"):
                    for year in YEARS:
                        registers[(b.pk, kind, year)] = Register.objects.create(bureau=b, kind=kind, year=year)
            numbers: dict[int, int] = {r.pk: 0 for r in registers.values()}
            columns = act_columns(cursor)
            names = [c[0] for c in columns]
            fixed: dict[str, Any] = {}
            for name, dtype, nullable, has_default in columns:
                if nullable:
                    fixed[name] = None
                elif dtype in ("character varying", "text"):
                    fixed[name] = ""
                elif dtype == "jsonb":
                    fixed[name] = "{}"
                elif name == "id":
                    continue
                elif not has_default:
                    fixed[name] = None  # filled below; checked there
            started = time.perf_counter()
            buf = io.StringIO()
            rng = random.Random(7)
            act_id = 0
            for row in gen.rows():
                act_id += 1
                bureau = bureaux[0].pk if rng.random() < 0.7 else bureaux[1].pk
                register = registers[(bureau, row["kind"], row["year"])]
                numbers[register.pk] += 1
                day = dt.date(row["year"], 1, 1) + dt.timedelta(days=rng.randrange(365))
                stamp = f"{day.isoformat()} 10:00:00+00"
                k = (row["given_name_ar"], row["family_name_ar"], row["given_name_fr"], row["family_name_fr"])
                keys = keys_cache.get(k)
                if keys is None:
                    keys = search.name_keys(*k)
                    if len(keys_cache) < 2_000_000:
                        keys_cache[k] = keys
                values = dict(fixed)
                values.update(row)
                del values["year"]
                values.update(
                    id=act_id,
                    register_id=register.pk,
                    number=numbers[register.pk],
                    status="signed",
                    drawn_up_on=day.isoformat(),
                    event_date=day.isoformat(),
                    place_ar="فاس",
                    place_fr="Fès",
                    declaration_type="on_time",
                    drafted_by_id=user_id,
                    drafted_at=stamp,
                    signed_by_id=user_id,
                    signed_at=stamp,
                    legacy_id=f"bench-{act_id}",
                    given_key_ar=keys.given_key_ar,
                    family_key_ar=keys.family_key_ar,
                    given_key_lat=keys.given_key_lat,
                    family_key_lat=keys.family_key_lat,
                )
                buf.write("\t".join(_copy_value(values.get(n)) for n in names))
                buf.write("\n")
                if act_id % 100_000 == 0:
                    _copy(cursor, names, buf)
                    buf = io.StringIO()
                    print(f"  loaded {act_id:,} acts ({time.perf_counter() - started:.0f}s)", flush=True)
            _copy(cursor, names, buf)
            cursor.execute("SELECT setval(pg_get_serial_sequence('etatcivil_act', 'id'), %s)", [act_id])
            for register_id, last in numbers.items():
                if last:
                    cursor.execute("UPDATE etatcivil_register SET last_number = %s WHERE id = %s", [last, register_id])
            for chained in db_guards.chained_tables():
                db_guards.chain_seal(chained.table)
        report.load_s = time.perf_counter() - started
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET work_mem = '64MB'")
        started = time.perf_counter()
        for _name, ddl in search_idx:
            cursor.execute(ddl)
        t_dict = time.perf_counter()
        search.name_keys_rebuild()
        cursor.execute("VACUUM ANALYZE etatcivil_namekey")
        report.dictionary_s = time.perf_counter() - t_dict
        report.index_build_s = time.perf_counter() - started
        started = time.perf_counter()
        for _name, ddl in other_idx:
            cursor.execute(ddl)
        report.other_indexes_s = time.perf_counter() - started
        cursor.execute("ANALYZE etatcivil_act")
        cursor.execute("ANALYZE etatcivil_register")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET work_mem")
    return report


def _copy(cursor: Any, names: Sequence[str], buf: io.StringIO) -> None:
    buf.seek(0)
    cols = ", ".join(f'"{n}"' for n in names)
    cursor.copy_expert(f"COPY etatcivil_act ({cols}) FROM STDIN", buf)


def index_mb(cursor: Any) -> tuple[float, int]:
    cursor.execute(
        """
        SELECT (pg_relation_size('etatcivil_act_names_ar') + pg_relation_size('etatcivil_act_names_lat')
                + pg_total_relation_size('etatcivil_namekey')) / 1048576.0,
               (SELECT count(*) FROM etatcivil_namekey)
        """
    )
    mb, keys = cursor.fetchone()
    return float(mb), int(keys)


# ----------------------------------------------------------------------------------------------------- queries


@dataclass
class Query:
    act_id: int
    script: str
    text: str
    typo: bool
    father: str = ""
    mother: str = ""
    year_from: int | None = None
    year_to: int | None = None
    kind: str | None = None
    namesakes: int = 0


def add_detail(q: Query, what: str, i: int, gen: Generator, rng: random.Random) -> None:
    """What the agent asks the citizen next: the father's or mother's first name, or the year."""
    d, names = gen.data, gen.names
    if what == "year":
        spread = rng.choice([0, 0, 1, 2])
        q.year_from, q.year_to = d.year[i] - spread, d.year[i] + spread
        return
    index = d.father[i] if what == "father" else d.mother[i]
    if index < 0:
        return
    person = (names.male if what == "father" else names.female)[index]
    text = latin_spelling(rng, person, 0.2) if q.script == "lat" else arabic_spelling(rng, person.arabic, 0.1)
    if what == "father":
        q.father = text
    else:
        q.mother = text


def namesakes(q: Query, i: int, pool: list[int], d: Dataset) -> list[int]:
    """The acts of the same person's name that the query's details cannot tell from act i."""
    return [
        j
        for j in pool
        if (not q.father or d.father[j] == d.father[i])
        and (not q.mother or d.mother[j] == d.mother[i])
        and (q.year_from is None or q.year_from <= d.year[j] <= (q.year_to or 9999))
        and (q.kind is None or d.kind[j] == d.kind[i])
    ]


def make_queries(gen: Generator, count: int, seed: int) -> list[Query]:
    rng = random.Random(seed * 7919 + 13)
    d, names = gen.data, gen.names
    n = len(d.given)
    chosen = [rng.randrange(n) for _ in range(count)]
    wanted = {(d.given[i], d.family[i], d.male[i]) for i in chosen}
    same: dict[tuple[int, int, int], list[int]] = {k: [] for k in wanted}
    for i in range(n):
        key = (d.given[i], d.family[i], d.male[i])
        if key in same:
            same[key].append(i)
    typos = set(rng.sample(range(count), count // 4))
    queries: list[Query] = []
    for qn, i in enumerate(chosen):
        male = bool(d.male[i])
        given = (names.male if male else names.female)[d.given[i]]
        fam = names.family[d.family[i]]
        script = "lat" if qn % 2 == 0 else "ar"
        if script == "lat":
            g, f = latin_spelling(rng, given, 0.3), latin_spelling(rng, fam, 0.3)
            letters = LAT_TYPO_LETTERS
        else:
            g, f = arabic_spelling(rng, given.arabic, 0.15), arabic_spelling(rng, fam.arabic, 0.15)
            letters = AR_TYPO_LETTERS
        if qn in typos:
            if rng.random() < 0.5:
                g = typo(rng, g, letters)
            else:
                f = typo(rng, f, letters)
        text = f"{f} {g}" if rng.random() < 0.2 else f"{g} {f}"
        q = Query(act_id=i + 1, script=script, text=text, typo=qn in typos)
        pool = same[(d.given[i], d.family[i], d.male[i])]
        if rng.random() < 0.15:
            add_detail(q, "father", i, gen, rng)
        if rng.random() < 0.2:
            add_detail(q, "year", i, gen, rng)
        if rng.random() < 0.1:
            q.kind = "death" if d.kind[i] else "birth"
        current = namesakes(q, i, pool, d)
        for step in ("father", "year", "mother"):
            if len(current) <= 5:
                break
            add_detail(q, step, i, gen, rng)
            current = namesakes(q, i, pool, d)
        q.namesakes = len(current)
        queries.append(q)
    return queries


def run_query(q: Query) -> tuple[float, list[int]]:
    started = time.perf_counter()
    hits = search.search_acts(
        text=q.text,
        kind=q.kind,
        year_from=q.year_from,
        year_to=q.year_to,
        father=q.father,
        mother=q.mother,
        limit=20,
    )
    return (time.perf_counter() - started) * 1000, [h.act_id for h in hits]


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# -------------------------------------------------------------------------------------------------------- main


TIMINGS = Path(__file__).resolve().parent.parent / "var" / "bench-search.json"


def _marker(args: argparse.Namespace) -> str:
    """Who the loaded acts are: sizes, seed, generator, and the keys the current normalisation writes."""
    sample = [(lat, ar, *var) for lat, ar, var in MALE + FEMALE] + [(lat, ar) for lat, ar in FAMILY_REAL]
    keys = [search.name_keys(row[1], row[1], w, w) for row in sample for w in (row[0], *row[2:])]
    fingerprint = zlib.crc32(repr(keys).encode())
    return f"Bureau central|{args.acts}|{args.seed}|{GENERATOR_VERSION}|{fingerprint:08x}"


def ensure_commune(args: argparse.Namespace) -> tuple[bool, dict[str, Any]]:
    """(reused, load timings): the commune exists with the same acts, or was dropped and created empty."""
    commune = Commune.objects.filter(slug=SLUG).first()
    if commune is not None and args.reuse:
        with schema_context(SCHEMA):
            same = Bureau.objects.filter(code="B1", name_fr=_marker(args)).exists()
        if same:
            timings = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
            return True, timings if timings.get("marker") == _marker(args) else {}
        print("the existing commune holds other acts: reloading")
    if commune is not None:
        _setup.drop_communes(SLUG)
    commune_create(slug=SLUG, name_fr="Bench search", name_ar="جماعة البحث", modules=["etatcivil"])
    return False, {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--query-seed", type=int, default=None, help="other queries on the same acts (default: --seed)")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded commune if it holds the same acts")
    parser.add_argument("--drop", action="store_true", help="remove the commune at the end")
    parser.add_argument("--verbose", action="store_true", help="print every missed query")
    parser.add_argument("--quick", action="store_true", help="2,000 acts, 20 queries, dropped: a check that it runs")
    args = parser.parse_args()
    if args.quick:
        args.acts, args.queries, args.reuse, args.drop = 2000, 20, False, True
    call_command("fleet", "migrate", "--jobs", "1", verbosity=0)  # the template (and this commune) up to date
    connection.set_schema_to_public()
    reused, timings = ensure_commune(args)
    gen = Generator(args.seed, args.acts)
    with schema_context(SCHEMA):
        if reused:
            started = time.perf_counter()
            gen.generate_only()  # the same acts, in memory, to know who each act is
            print(f"reusing {args.acts:,} loaded acts (regenerated in memory in {time.perf_counter() - started:.0f}s)")
            report = LoadReport(
                load_s=timings.get("load_s", 0.0),
                index_build_s=timings.get("index_build_s", 0.0),
                other_indexes_s=timings.get("other_indexes_s", 0.0),
                dictionary_s=timings.get("dictionary_s", 0.0),
            )
        else:
            user = get_user_model().objects.create_user(username="bench-agent", password=None)
            print(f"generating and loading {args.acts:,} acts…", flush=True)
            report = load(gen, user.pk)
            Bureau.objects.filter(code="B1").update(name_fr=_marker(args))
            TIMINGS.parent.mkdir(exist_ok=True)
            TIMINGS.write_text(json.dumps({"marker": _marker(args), **asdict(report)}))
        with connection.cursor() as cursor:
            mb, keys = index_mb(cursor)
            cursor.execute("SELECT count(*) FROM etatcivil_act")
            loaded = int(cursor.fetchone()[0])
        assert loaded == args.acts, f"the commune holds {loaded} acts, expected {args.acts}"
        query_seed = args.seed if args.query_seed is None else args.query_seed
        queries = make_queries(gen, args.queries, query_seed)
        warm = make_queries(gen, 20, query_seed + 1000)
        for q in warm:
            run_query(q)
        times: list[float] = []
        found: list[bool] = []
        for q in queries:
            ms, ids = run_query(q)
            times.append(ms)
            found.append(q.act_id in ids)
            if args.verbose and q.act_id not in ids:
                print(f"  missed {q} → {len(ids)} hits")
    if args.drop:
        connection.set_schema_to_public()
        _setup.drop_communes(SLUG)
    p50, p95 = statistics.median(times), pct(times, 95)
    recall = sum(found) / len(found)

    def group(pred: Any) -> str:
        idx = [i for i, q in enumerate(queries) if pred(q)]
        if not idx:
            return "-"
        t = [times[i] for i in idx]
        return (
            f"{len(idx)} queries, p50 {statistics.median(t):.1f} ms, p95 {pct(t, 95):.1f} ms, "
            f"recall {sum(found[i] for i in idx) / len(idx):.3f}"
        )

    print(f"acts: {args.acts:,}{' (reused)' if reused else ''}; dictionary: {keys:,} keys")
    if not reused:
        print(
            f"load (COPY): {report.load_s:.1f}s; search indexes + dictionary: {report.index_build_s:.1f}s "
            f"(dictionary {report.dictionary_s:.1f}s); other act indexes: {report.other_indexes_s:.1f}s"
        )
    print(f"search indexes + dictionary: {mb:.1f} MB")
    print(f"Latin:  {group(lambda q: q.script == 'lat')}")
    print(f"Arabic: {group(lambda q: q.script == 'ar')}")
    print(f"typo:   {group(lambda q: q.typo)}")
    print(f"parents/years/kind given: {group(lambda q: bool(q.father or q.mother or q.year_from or q.kind))}")
    print(f"not tellable from namesakes (>5 identical): {sum(1 for q in queries if q.namesakes > 5)}")
    print(f"all:    p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms, recall@20 {recall:.3f}")
    print(
        json.dumps(
            {
                "acts": args.acts,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "recall_at_20": round(recall, 3),
                "index_build_s": round(report.index_build_s, 1),
                "index_mb": round(mb, 1),
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
