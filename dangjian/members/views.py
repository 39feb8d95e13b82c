from django.http import HttpResponse


def member_list(request):  # placeholder, replaced in the next commit
    return HttpResponse("")


def detail(request, pk):
    return HttpResponse("")
