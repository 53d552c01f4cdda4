"""What the service was used for and what it cost, read from the stored calls.

    prices     the price table (config.PRICE_DEFAULTS, each overridable by env var)
    metering   one call's usage (minutes, recognition, speech characters, tokens) and cost
    stats      percentiles, and the figures per day the console's overview draws
    calls      call summaries for lists and exports: outcome, first words, waits, flags
    report     a month: minutes, calls, cost by service, projection, the seed's estimate

No Flask here: the console and `fitness-voice report` both read through these.
"""
