"""Names and phone numbers given in scripts without capital letters are redacted like any other: the
spaCy model and the capitals' cues saw none of them, so "我叫王小明" reached the audit trail, the stored
transcript and the staff's view unchanged (policies/caseless_names.py)."""

from __future__ import annotations

import pytest

from policies.redaction import SpacyRedactor

GIVEN = [
    # (message, the name the customer gave)
    ("你好，我叫王小明，我的订单还没到", "王小明"),
    ("你好，我是李娜，无法登录", "李娜"),
    ("我的名字是陈建国。我想退款", "陈建国"),
    ("こんにちは、田中太郎と申します。パスワードを忘れました", "田中太郎"),
    ("私の名前は佐藤花子です。注文をキャンセルしたい", "佐藤花子"),
    ("안녕하세요, 제 이름은 김민수입니다. 비밀번호를 잊어버렸어요", "김민수"),
    ("저는 박지영이에요. 환불 받고 싶어요", "박지영"),
    ("مرحبا، اسمي أحمد علي ولا أستطيع تسجيل الدخول", "أحمد علي"),
    ("سلام، اسم من علی رضایی است و نمی توانم وارد شوم", "علی رضایی"),
    ("שלום, שמי דוד כהן ואני לא מצליח להתחבר", "דוד כהן"),
    ("नमस्ते, मेरा नाम राहुल शर्मा है और मेरा पासवर्ड काम नहीं कर रहा", "राहुल शर्मा"),
    ("สวัสดีครับ ผมชื่อสมชาย ใจดี ลืมรหัสผ่าน", "สมชาย ใจดี"),
]


@pytest.mark.parametrize(("text", "name"), GIVEN)
def test_a_name_given_after_a_cue_is_redacted_whole(redactor: SpacyRedactor, text: str, name: str) -> None:
    result = redactor.redact_sync(text)
    assert name not in result.redacted
    # the whole name becomes one placeholder (no vowel sign or second word left beside it), the rest stays
    assert result.redacted == text.replace(name, "<PERSON_1>")


@pytest.mark.parametrize("text", [
    "我是新用户，无法登录",  # I am a new user
    "我是会员，怎么取消订阅？",  # I am a member
    "저는 학생입니다. 할인이 있나요?",  # I am a student
    "이름은 뭐예요?",  # what is the name?
    "私は学生です。割引はありますか",  # I am a student
    "ชื่อบัญชีของฉันคืออะไร",  # what is my account name
    "كيف أغير اسم المستخدم؟",  # how do I change the user name
    "我的订单号是 12345678，还没发货",  # an order number
])
def test_ordinary_messages_in_those_scripts_are_left_alone(redactor: SpacyRedactor, text: str) -> None:
    assert redactor.redact_sync(text).redacted == text


@pytest.mark.parametrize(("text", "phone"), [
    ("我的邮箱是 wang@example.com，电话 13812345678", "13812345678"),
    ("电话13812345678谢谢", "13812345678"),
    ("携帯は09012345678です", "09012345678"),
    ("내 전화번호는 01012345678 입니다", "01012345678"),
    ("رقم هاتفي 0501234567", "0501234567"),
    ("Mi teléfono es 612345678, llámame", "612345678"),
])
def test_a_phone_number_spoken_of_in_another_language_is_redacted(redactor: SpacyRedactor, text: str, phone: str) -> None:
    result = redactor.redact_sync(text)
    assert phone not in result.redacted and "<PHONE_1>" in result.redacted


@pytest.mark.parametrize(("text", "kept"), [
    ("Hola, me llamo Juan García y no puedo entrar", "Hola,"),
    ("Bonjour, je m'appelle Marie Dupont", "Bonjour,"),
    ("Ciao, mi chiamo Giulia Rossi", "Ciao,"),
])
def test_a_greeting_of_another_language_is_no_name(redactor: SpacyRedactor, text: str, kept: str) -> None:
    result = redactor.redact_sync(text)
    assert result.redacted.startswith(kept) and result.redacted.count("<PERSON_") == 1
