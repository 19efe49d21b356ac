"""Simple flat illustrations for the demo's case stories, drawn here with Pillow (SPEC §10: no photo
from anywhere). Each is a PNG of shapes only — no text, so no font is needed — and the same
bytes every time, so loading the demo twice finds the same images."""

import io

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 800, 500
SKY, GROUND = (221, 234, 247), (196, 214, 180)
WALL, ROOF, WINDOW = (236, 226, 208), (150, 96, 74), (120, 160, 200)
GREEN, DARK_GREEN, GREY, DARK = (96, 160, 90), (54, 110, 60), (150, 156, 165), (60, 66, 74)
YELLOW, RED, BLUE, BROWN = (245, 180, 0), (196, 60, 50), (11, 79, 138), (120, 84, 52)


def _scene(draw: ImageDraw.ImageDraw, ground_y: int = 360) -> None:
    draw.rectangle([0, 0, WIDTH, ground_y], fill=SKY)
    draw.rectangle([0, ground_y, WIDTH, HEIGHT], fill=GROUND)


def _building(draw, x, y, w, h, floors=4):
    draw.rectangle([x, y, x + w, y + h], fill=WALL, outline=DARK, width=3)
    draw.polygon([(x - 10, y), (x + w / 2, y - 50), (x + w + 10, y)], fill=ROOF)
    for floor in range(floors):
        for col in range(3):
            wx = x + 20 + col * (w - 40) / 3
            wy = y + 20 + floor * (h - 40) / floors
            draw.rectangle([wx, wy, wx + 30, wy + 28], fill=WINDOW, outline=DARK)


def _tree(draw, x, y, r=40):
    draw.rectangle([x - 6, y, x + 6, y + 70], fill=BROWN)
    draw.ellipse([x - r, y - r * 1.6, x + r, y + r * 0.4], fill=GREEN, outline=DARK_GREEN, width=3)


def _person(draw, x, y, colour=BLUE):
    draw.ellipse([x - 14, y - 90, x + 14, y - 62], fill=(240, 200, 170), outline=DARK)
    draw.rectangle([x - 16, y - 60, x + 16, y - 10], fill=colour)
    draw.line([x - 8, y - 10, x - 10, y + 20], fill=DARK, width=6)
    draw.line([x + 8, y - 10, x + 10, y + 20], fill=DARK, width=6)


def handrail(draw):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=WALL)
    for i in range(7):
        draw.rectangle([80 + i * 90, 420 - i * 50, 800, 470 - i * 50], fill=GREY, outline=DARK, width=2)
    draw.line([60, 360, 700, 20], fill=DARK, width=12)
    for i in range(6):
        draw.line([120 + i * 110, 330 - i * 58, 120 + i * 110, 400 - i * 58], fill=DARK, width=6)
    _person(draw, 330, 300, colour=RED)


def charging(draw):
    _scene(draw)
    draw.polygon([(60, 140), (740, 140), (700, 110), (100, 110)], fill=BLUE)
    for x in (80, 720):
        draw.rectangle([x, 140, x + 12, 360], fill=GREY)
    for i in range(6):
        x = 120 + i * 100
        draw.rectangle([x, 250, x + 36, 350], fill=(230, 235, 240), outline=DARK, width=3)
        draw.polygon(
            [(x + 20, 262), (x + 10, 300), (x + 20, 300), (x + 14, 336), (x + 28, 290), (x + 18, 290)],
            fill=YELLOW,
        )
        draw.ellipse([x + 44, 320, x + 84, 360], outline=DARK, width=5)


def board(draw):
    _scene(draw)
    draw.rectangle([200, 80, 600, 320], fill=(250, 250, 245), outline=BLUE, width=10)
    for i in range(6):
        draw.line([240, 120 + i * 32, 560 - (i % 3) * 60, 120 + i * 32], fill=GREY, width=8)
    for x in (260, 540):
        draw.rectangle([x, 320, x + 14, 420], fill=DARK)
    _person(draw, 680, 420)


def drain(draw):
    _scene(draw, 220)
    draw.rectangle([0, 300, WIDTH, 380], fill=(120, 130, 140))
    draw.rectangle([0, 318, WIDTH, 362], fill=(90, 150, 200))
    for x in range(40, WIDTH, 120):
        draw.polygon([(x, 340), (x + 30, 330), (x + 30, 350)], fill=(230, 240, 250))
    draw.rectangle([360, 150, 440, 300], fill=GREY, outline=DARK, width=3)
    draw.ellipse([340, 120, 460, 170], fill=DARK)


def garden(draw, lush=True):
    _scene(draw, 300)
    _building(draw, 40, 110, 220, 190, floors=3)
    if lush:
        for i in range(7):
            x = 330 + i * 65
            draw.ellipse([x, 330, x + 60, 390], fill=GREEN, outline=DARK_GREEN, width=2)
            draw.ellipse([x + 20, 340, x + 36, 356], fill=RED)
        _tree(draw, 700, 230)
    else:
        draw.rectangle([300, 300, WIDTH, HEIGHT], fill=(170, 150, 120))
        for i in range(6):
            x = 330 + i * 75
            draw.rectangle(
                [x, 330 + (i % 2) * 30, x + 60, 380 + (i % 2) * 30], fill=(160, 140, 110), outline=DARK
            )


def phone(draw):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=WALL)
    draw.rectangle([80, 300, 720, 320], fill=BROWN)
    draw.rounded_rectangle([330, 120, 470, 300], radius=20, fill=(250, 250, 250), outline=DARK, width=5)
    draw.ellipse([370, 170, 430, 230], fill=RED, outline=DARK, width=3)
    for r in (60, 90, 120):
        draw.arc([400 - r, 200 - r, 400 + r, 200 + r], start=300, end=350, fill=BLUE, width=6)
    _person(draw, 180, 300, colour=GREY)


def lighting(draw):
    draw.rectangle([0, 0, WIDTH, 360], fill=(34, 44, 70))
    draw.rectangle([0, 360, WIDTH, HEIGHT], fill=(90, 100, 90))
    for x in (150, 400, 650):
        draw.rectangle([x - 5, 140, x + 5, 360], fill=GREY)
        draw.polygon([(x - 30, 140), (x + 30, 140), (x + 20, 120), (x - 20, 120)], fill=GREY)
        draw.polygon([(x - 28, 142), (x + 28, 142), (x + 90, 360), (x - 90, 360)], fill=(90, 92, 70))
        draw.ellipse([x - 12, 136, x + 12, 156], fill=YELLOW)


def bins(draw):
    _scene(draw)
    colours = [(40, 120, 70), (60, 90, 170), RED, GREY]
    for i, colour in enumerate(colours):
        x = 130 + i * 150
        draw.rectangle([x, 220, x + 110, 370], fill=colour, outline=DARK, width=3)
        draw.rectangle([x - 8, 205, x + 118, 225], fill=colour, outline=DARK, width=3)
    _person(draw, 720, 400, colour=YELLOW)


def parking(draw):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(110, 116, 124))
    for i in range(5):
        draw.line([100 + i * 150, 60, 100 + i * 150, 300], fill=(250, 250, 250), width=6)
    for i in range(4):
        x = 130 + i * 150
        draw.rounded_rectangle([x, 120, x + 90, 260], radius=18, fill=[BLUE, RED, GREY, YELLOW][i])
    for i in range(0, WIDTH, 80):
        draw.line([i, 380, i + 40, 380], fill=YELLOW, width=10)


def door(draw):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=WALL)
    draw.rectangle([280, 80, 520, 440], fill=(80, 110, 140), outline=DARK, width=6)
    draw.rectangle([530, 200, 580, 270], fill=(40, 44, 50))
    draw.rectangle([545, 215, 565, 235], fill=(90, 200, 120))
    draw.polygon([(240, 80), (560, 80), (600, 40), (200, 40)], fill=BLUE)
    draw.rectangle([0, 440, WIDTH, HEIGHT], fill=GREY)


def elevator(draw):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(230, 232, 236))
    draw.rectangle([250, 60, 550, 460], fill=(180, 186, 196), outline=DARK, width=6)
    draw.line([400, 60, 400, 460], fill=DARK, width=4)
    draw.rectangle([590, 220, 630, 300], fill=(250, 250, 250), outline=DARK, width=3)
    draw.polygon([(610, 230), (598, 250), (622, 250)], fill=DARK)
    draw.polygon([(610, 290), (598, 270), (622, 270)], fill=DARK)
    draw.rectangle([340, 20, 460, 50], fill=DARK)


def corridor(draw, tidy=True):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=WALL)
    draw.polygon([(0, HEIGHT), (WIDTH, HEIGHT), (560, 300), (240, 300)], fill=GREY)
    draw.rectangle([240, 60, 560, 300], outline=DARK, width=4)
    draw.rectangle([360, 120, 440, 300], fill=BROWN)
    if not tidy:
        for x, y, w, h in [
            (60, 330, 160, 120),
            (200, 380, 120, 90),
            (520, 350, 180, 110),
            (600, 260, 90, 100),
        ]:
            draw.rectangle([x, y, x + w, y + h], fill=(190, 150, 100), outline=DARK, width=3)
    else:
        draw.rectangle([90, 180, 150, 240], fill=RED)  # the extinguisher box
        draw.line([240, 470, 560, 470], fill=YELLOW, width=8)


def bench(draw):
    _scene(draw)
    _tree(draw, 140, 230)
    _tree(draw, 660, 240, r=50)
    draw.rectangle([280, 300, 520, 320], fill=BROWN)
    draw.rectangle([280, 260, 520, 280], fill=BROWN)
    for x in (295, 495):
        draw.rectangle([x, 320, x + 12, 370], fill=DARK)


def snow(draw):
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(200, 210, 225))
    draw.rectangle([0, 340, WIDTH, HEIGHT], fill=(250, 250, 252))
    draw.rectangle([300, 340, 500, HEIGHT], fill=(140, 146, 156))
    for i in range(60):
        x, y = (i * 137) % WIDTH, (i * 61) % 320
        draw.ellipse([x, y, x + 8, y + 8], fill=(255, 255, 255))
    _person(draw, 560, 400, colour=YELLOW)
    draw.line([585, 330, 640, 420], fill=BROWN, width=6)


def water(draw):
    _scene(draw)
    draw.ellipse([260, 90, 540, 150], fill=(170, 180, 190), outline=DARK, width=3)
    draw.rectangle([260, 120, 540, 320], fill=(170, 180, 190), outline=DARK, width=3)
    draw.rectangle([300, 180, 500, 300], fill=(110, 170, 220))
    for x in (330, 400, 470):
        draw.polygon([(x, 210), (x - 12, 240), (x + 12, 240)], fill=(235, 245, 255))
    draw.rectangle([540, 260, 720, 280], fill=GREY)


def people(draw):
    _scene(draw)
    draw.rectangle([150, 250, 650, 290], fill=BROWN)
    for i, colour in enumerate([BLUE, RED, YELLOW, GREEN, GREY]):
        _person(draw, 180 + i * 110, 380, colour=colour)


def road(draw):
    _scene(draw, 200)
    draw.polygon([(300, 200), (500, 200), (760, HEIGHT), (40, HEIGHT)], fill=(110, 116, 124))
    for i in range(4):
        y = 240 + i * 65
        draw.rectangle([392, y, 408, y + 35], fill=(250, 250, 250))
    draw.polygon([(560, 280), (600, 280), (700, HEIGHT), (640, HEIGHT)], fill=YELLOW)


def wall(draw):
    _scene(draw)
    _building(draw, 200, 80, 400, 280, floors=4)
    draw.rectangle([140, 360, 660, 380], fill=RED)
    for x in range(150, 660, 60):
        draw.rectangle([x, 360, x + 30, 380], fill=(250, 250, 250))


DRAWINGS = {
    "handrail": handrail,
    "charging": charging,
    "board": board,
    "drain": drain,
    "garden": garden,
    "garden-before": lambda d: garden(d, lush=False),
    "garden-after": garden,
    "phone": phone,
    "lighting": lighting,
    "bins": bins,
    "parking": parking,
    "door": door,
    "elevator": elevator,
    "corridor-before": lambda d: corridor(d, tidy=False),
    "corridor-after": corridor,
    "bench": bench,
    "snow": snow,
    "water": water,
    "people": people,
    "road": road,
    "wall": wall,
}


def drawing_png(key: str) -> bytes:
    """The PNG bytes of one illustration."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    DRAWINGS[key](ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
