#!/usr/bin/env python3
"""Draws the extension icons (a blue rounded square with a white check mark) as PNGs.
Run once when the design changes; the PNGs are committed. Standard library only."""
import struct, zlib, math, sys, os

def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))

def pixel(x, y, n):
    # Supersampled coverage of the rounded square and the check stroke.
    r = n * 0.22
    inside = 0
    check = 0
    S = 4
    for sy in range(S):
        for sx in range(S):
            px, py = x + (sx + .5) / S, y + (sy + .5) / S
            cx = min(max(px, r), n - r); cy = min(max(py, r), n - r)
            if math.hypot(px - cx, py - cy) <= r:
                inside += 1
                u, v = px / n, py / n
                d = min(seg_dist(u, v, .24, .52, .43, .70), seg_dist(u, v, .43, .70, .77, .32))
                if d <= .075:
                    check += 1
    a = inside / (S * S)
    c = check / max(inside, 1)
    bg = (31, 95, 209)
    rgb = tuple(round(bg[i] * (1 - c) + 255 * c) for i in range(3))
    return rgb + (round(a * 255),)

def png(n):
    rows = b''.join(b'\x00' + b''.join(bytes(pixel(x, y, n)) for x in range(n)) for y in range(n))
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', n, n, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b'')

out = sys.argv[1] if len(sys.argv) > 1 else 'extension/icons'
os.makedirs(out, exist_ok=True)
for n in (16, 32, 48, 128):
    with open(os.path.join(out, f'icon{n}.png'), 'wb') as f:
        f.write(png(n))
