"""Same-named methods in different classes and a module of its own: identity is the whole tuple."""


class Parser:
    def parse(self, text):
        return [self.token(w) for w in text.split()]

    def token(self, word):
        return word.lower()


class Lexer:
    def parse(self, text):
        return [c for c in text if c.isalpha()]


def main():
    text = "The Quick Brown Fox Jumps Over The Lazy Dog " * 200
    for _ in range(20):
        Parser().parse(text)
        Lexer().parse(text)


if __name__ == "__main__":
    main()
