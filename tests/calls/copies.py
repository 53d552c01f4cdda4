"""Copies of one signed request, posted at the same moment (as Twilio's retries
can arrive), spread over one or more servers."""

import threading

import requests


def post_at_once(urls, path, form, signature_for, copies, timeout=60):
    """Post `form` to `path` `copies` times at once, in turn over `urls`; the answers.
    `signature_for(base_url)` signs each copy for the server it goes to."""
    barrier = threading.Barrier(copies)
    answers = [None] * copies

    def post(slot):
        base_url = urls[slot % len(urls)]
        with requests.Session() as http:
            barrier.wait()
            answers[slot] = http.post(base_url + path, data=form, timeout=timeout,
                                      headers={"X-Twilio-Signature": signature_for(base_url)})

    threads = [threading.Thread(target=post, args=(slot,)) for slot in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
